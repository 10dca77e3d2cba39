-- CreateEnum
CREATE TYPE "partition_move_reason" AS ENUM ('QUARANTINE', 'REBALANCE', 'MITIGATION');

-- CreateEnum
CREATE TYPE "partition_move_state" AS ENUM ('PENDING', 'IN_PROGRESS', 'DONE', 'CANCELLED', 'FAILED');

-- AlterTable
ALTER TABLE "brokers" ADD COLUMN     "metrics_url" TEXT;

-- AlterTable
ALTER TABLE "logical_clusters" ADD COLUMN     "correlation_id" TEXT,
ADD COLUMN     "principal_password_encrypted" TEXT NOT NULL,
ADD COLUMN     "quarantined_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "physical_clusters" ADD COLUMN     "ckus_per_broker" INTEGER NOT NULL DEFAULT 4,
ADD COLUMN     "kafka_cluster_id" TEXT;

-- CreateTable
CREATE TABLE "partition_moves" (
    "id" TEXT NOT NULL,
    "physical_cluster_id" TEXT NOT NULL,
    "logical_cluster_id" TEXT,
    "reason" "partition_move_reason" NOT NULL,
    "topic" TEXT NOT NULL,
    "partition" INTEGER NOT NULL,
    "from_replicas" INTEGER[],
    "to_replicas" INTEGER[],
    "state" "partition_move_state" NOT NULL DEFAULT 'PENDING',
    "correlation_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "partition_moves_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "usage_samples" (
    "id" BIGSERIAL NOT NULL,
    "logical_cluster_id" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "bytes_in" BIGINT NOT NULL,
    "bytes_out" BIGINT NOT NULL,
    "partitions" INTEGER NOT NULL,

    CONSTRAINT "usage_samples_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "partition_moves_physical_cluster_id_state_idx" ON "partition_moves"("physical_cluster_id", "state");

-- CreateIndex
CREATE INDEX "partition_moves_logical_cluster_id_created_at_idx" ON "partition_moves"("logical_cluster_id", "created_at");

-- CreateIndex
CREATE INDEX "usage_samples_logical_cluster_id_at_idx" ON "usage_samples"("logical_cluster_id", "at");

-- CreateIndex
CREATE UNIQUE INDEX "physical_clusters_kafka_cluster_id_key" ON "physical_clusters"("kafka_cluster_id");

-- AddForeignKey
ALTER TABLE "usage_samples" ADD CONSTRAINT "usage_samples_logical_cluster_id_fkey" FOREIGN KEY ("logical_cluster_id") REFERENCES "logical_clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE;
