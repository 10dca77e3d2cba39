-- CreateEnum
CREATE TYPE "partition_move_kind" AS ENUM ('LEADERSHIP', 'REPLICA');

-- CreateEnum
CREATE TYPE "mitigation_kind" AS ENUM ('DEMOTE', 'DRAIN', 'RESTORE');

-- CreateEnum
CREATE TYPE "mitigation_state" AS ENUM ('PENDING', 'IN_PROGRESS', 'COMPLETED', 'ROLLED_BACK', 'FAILED', 'DRY_RUN', 'BLOCKED');

-- CreateEnum
CREATE TYPE "rebalance_plan_state" AS ENUM ('DRY_RUN', 'PLANNED', 'EXECUTING', 'CANCELLING', 'COMPLETED', 'CANCELLED', 'FAILED');

-- AlterTable
ALTER TABLE "brokers" ADD COLUMN     "health_memory" JSONB NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "partition_moves" ADD COLUMN     "bytes" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "error" TEXT,
ADD COLUMN     "kind" "partition_move_kind" NOT NULL DEFAULT 'REPLICA',
ADD COLUMN     "mitigation_id" TEXT,
ADD COLUMN     "plan_id" TEXT;

-- CreateTable
CREATE TABLE "broker_samples" (
    "id" BIGSERIAL NOT NULL,
    "physical_cluster_id" TEXT NOT NULL,
    "node_id" INTEGER NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "produce_ms" DOUBLE PRECISION,
    "fetch_ms" DOUBLE PRECISION,
    "request_ms" DOUBLE PRECISION,
    "probe_error" TEXT,
    "signals" JSONB,
    "scrape_error" TEXT,

    CONSTRAINT "broker_samples_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "broker_health_transitions" (
    "id" TEXT NOT NULL,
    "physical_cluster_id" TEXT NOT NULL,
    "node_id" INTEGER NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "from_state" "broker_health_state" NOT NULL,
    "to_state" "broker_health_state" NOT NULL,
    "actor" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "evidence" JSONB NOT NULL DEFAULT '{}',
    "correlation_id" TEXT NOT NULL,

    CONSTRAINT "broker_health_transitions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "mitigations" (
    "id" TEXT NOT NULL,
    "physical_cluster_id" TEXT NOT NULL,
    "node_id" INTEGER NOT NULL,
    "cell_id" TEXT,
    "kind" "mitigation_kind" NOT NULL,
    "state" "mitigation_state" NOT NULL DEFAULT 'PENDING',
    "actor" TEXT NOT NULL,
    "health_state" "broker_health_state" NOT NULL,
    "reason" TEXT NOT NULL,
    "evidence" JSONB NOT NULL DEFAULT '{}',
    "plan" JSONB NOT NULL DEFAULT '[]',
    "step" TEXT,
    "outcome" JSONB NOT NULL DEFAULT '{}',
    "dry_run" BOOLEAN NOT NULL DEFAULT false,
    "correlation_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "mitigations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "balancer_settings" (
    "physical_cluster_id" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "goals" TEXT[] DEFAULT ARRAY['NETWORK_IN', 'NETWORK_OUT', 'DISK', 'LEADER_COUNT', 'REPLICA_COUNT']::TEXT[],
    "trigger_threshold_pct" DOUBLE PRECISION NOT NULL DEFAULT 20,
    "stop_threshold_pct" DOUBLE PRECISION NOT NULL DEFAULT 10,
    "imbalance_duration_seconds" INTEGER NOT NULL DEFAULT 120,
    "max_moves_per_round" INTEGER NOT NULL DEFAULT 10,
    "max_concurrent_moves_per_broker" INTEGER NOT NULL DEFAULT 5,
    "max_bytes_in_flight" BIGINT NOT NULL DEFAULT 10737418240,
    "partition_cooldown_seconds" INTEGER NOT NULL DEFAULT 3600,
    "replication_throttle_bytes_per_second" BIGINT NOT NULL DEFAULT 52428800,
    "load_half_life_seconds" INTEGER NOT NULL DEFAULT 300,
    "round_interval_seconds" INTEGER NOT NULL DEFAULT 60,
    "broker_capacity" JSONB NOT NULL DEFAULT '{}',
    "imbalance_since" TIMESTAMPTZ(3),
    "version" INTEGER NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "balancer_settings_pkey" PRIMARY KEY ("physical_cluster_id")
);

-- CreateTable
CREATE TABLE "load_samples" (
    "id" BIGSERIAL NOT NULL,
    "physical_cluster_id" TEXT NOT NULL,
    "node_id" INTEGER NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "load" DOUBLE PRECISION NOT NULL,
    "bytes_in_per_second" DOUBLE PRECISION NOT NULL,
    "bytes_out_per_second" DOUBLE PRECISION NOT NULL,
    "disk_bytes" BIGINT NOT NULL,
    "request_handler_busy" DOUBLE PRECISION NOT NULL,
    "leaders" INTEGER NOT NULL,
    "replicas" INTEGER NOT NULL,

    CONSTRAINT "load_samples_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rebalance_plans" (
    "id" TEXT NOT NULL,
    "physical_cluster_id" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "state" "rebalance_plan_state" NOT NULL DEFAULT 'PLANNED',
    "step" TEXT,
    "dry_run" BOOLEAN NOT NULL DEFAULT false,
    "settings" JSONB NOT NULL DEFAULT '{}',
    "load_before" JSONB NOT NULL DEFAULT '{}',
    "predicted_after" JSONB NOT NULL DEFAULT '{}',
    "summary" JSONB NOT NULL DEFAULT '{}',
    "error" TEXT,
    "correlation_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "rebalance_plans_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "broker_samples_physical_cluster_id_node_id_at_idx" ON "broker_samples"("physical_cluster_id", "node_id", "at");

-- CreateIndex
CREATE INDEX "broker_samples_at_idx" ON "broker_samples"("at");

-- CreateIndex
CREATE INDEX "broker_health_transitions_physical_cluster_id_node_id_at_idx" ON "broker_health_transitions"("physical_cluster_id", "node_id", "at");

-- CreateIndex
CREATE INDEX "broker_health_transitions_at_idx" ON "broker_health_transitions"("at");

-- CreateIndex
CREATE INDEX "mitigations_physical_cluster_id_state_idx" ON "mitigations"("physical_cluster_id", "state");

-- CreateIndex
CREATE INDEX "mitigations_physical_cluster_id_node_id_created_at_idx" ON "mitigations"("physical_cluster_id", "node_id", "created_at");

-- CreateIndex
CREATE INDEX "mitigations_created_at_idx" ON "mitigations"("created_at");

-- CreateIndex
CREATE INDEX "load_samples_physical_cluster_id_at_idx" ON "load_samples"("physical_cluster_id", "at");

-- CreateIndex
CREATE INDEX "load_samples_at_idx" ON "load_samples"("at");

-- CreateIndex
CREATE INDEX "rebalance_plans_physical_cluster_id_created_at_idx" ON "rebalance_plans"("physical_cluster_id", "created_at");

-- CreateIndex
CREATE INDEX "rebalance_plans_physical_cluster_id_state_idx" ON "rebalance_plans"("physical_cluster_id", "state");

-- CreateIndex
CREATE INDEX "partition_moves_plan_id_idx" ON "partition_moves"("plan_id");

-- CreateIndex
CREATE INDEX "partition_moves_mitigation_id_idx" ON "partition_moves"("mitigation_id");

