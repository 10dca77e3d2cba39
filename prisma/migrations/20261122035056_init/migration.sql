-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "physical_cluster_status" AS ENUM ('REGISTERING', 'ACTIVE', 'UNREACHABLE', 'DISABLED');

-- CreateEnum
CREATE TYPE "sasl_mechanism" AS ENUM ('PLAIN', 'SCRAM_SHA_256', 'SCRAM_SHA_512');

-- CreateEnum
CREATE TYPE "broker_health_state" AS ENUM ('HEALTHY', 'SUSPECT', 'SLOW', 'UNREACHABLE', 'STORAGE_STALLED', 'RECOVERING', 'DEMOTED', 'DRAINED');

-- CreateEnum
CREATE TYPE "logical_cluster_status" AS ENUM ('PROVISIONING', 'READY', 'UPDATING', 'DELETING', 'DELETED', 'FAILED');

-- CreateEnum
CREATE TYPE "topic_status" AS ENUM ('CREATING', 'READY', 'DELETING', 'FAILED');

-- CreateEnum
CREATE TYPE "credential_status" AS ENUM ('PROVISIONING', 'ACTIVE', 'DELETING', 'DELETED', 'FAILED');

-- CreateTable
CREATE TABLE "tenants" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "tenants_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_tokens" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "physical_clusters" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "bootstrap_servers" TEXT[],
    "admin_sasl_mechanism" "sasl_mechanism",
    "admin_sasl_username" TEXT,
    "admin_sasl_password_encrypted" TEXT,
    "status" "physical_cluster_status" NOT NULL DEFAULT 'REGISTERING',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "physical_clusters_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "brokers" (
    "id" TEXT NOT NULL,
    "cluster_id" TEXT NOT NULL,
    "node_id" INTEGER NOT NULL,
    "host" TEXT NOT NULL,
    "port" INTEGER NOT NULL,
    "rack" TEXT,
    "cell_id" TEXT,
    "health_state" "broker_health_state" NOT NULL DEFAULT 'HEALTHY',
    "health_since" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "brokers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cells" (
    "id" TEXT NOT NULL,
    "cluster_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "quarantine" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "cells_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "logical_clusters" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "physical_cluster_id" TEXT NOT NULL,
    "cell_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "ckus" INTEGER NOT NULL,
    "region" TEXT NOT NULL,
    "status" "logical_cluster_status" NOT NULL DEFAULT 'PROVISIONING',
    "provisioning_step" TEXT,
    "failure_reason" TEXT,
    "topic_prefix" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "logical_clusters_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "topics" (
    "id" TEXT NOT NULL,
    "logical_cluster_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "partitions" INTEGER NOT NULL,
    "replication_factor" INTEGER NOT NULL,
    "configs" JSONB NOT NULL DEFAULT '{}',
    "status" "topic_status" NOT NULL DEFAULT 'CREATING',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "topics_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "credentials" (
    "id" TEXT NOT NULL,
    "logical_cluster_id" TEXT NOT NULL,
    "api_key" TEXT NOT NULL,
    "description" TEXT,
    "status" "credential_status" NOT NULL DEFAULT 'PROVISIONING',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "credentials_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "idempotency_records" (
    "id" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "response_status" INTEGER,
    "response_body" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "idempotency_records_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "correlation_id" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "subject_type" TEXT NOT NULL,
    "subject_id" TEXT NOT NULL,
    "cluster_id" TEXT,
    "details" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "tenants_name_key" ON "tenants"("name");

-- CreateIndex
CREATE UNIQUE INDEX "api_tokens_token_hash_key" ON "api_tokens"("token_hash");

-- CreateIndex
CREATE INDEX "api_tokens_tenant_id_idx" ON "api_tokens"("tenant_id");

-- CreateIndex
CREATE UNIQUE INDEX "physical_clusters_name_key" ON "physical_clusters"("name");

-- CreateIndex
CREATE INDEX "physical_clusters_region_status_idx" ON "physical_clusters"("region", "status");

-- CreateIndex
CREATE INDEX "brokers_cell_id_idx" ON "brokers"("cell_id");

-- CreateIndex
CREATE UNIQUE INDEX "brokers_cluster_id_node_id_key" ON "brokers"("cluster_id", "node_id");

-- CreateIndex
CREATE UNIQUE INDEX "cells_cluster_id_name_key" ON "cells"("cluster_id", "name");

-- CreateIndex
CREATE UNIQUE INDEX "logical_clusters_topic_prefix_key" ON "logical_clusters"("topic_prefix");

-- CreateIndex
CREATE INDEX "logical_clusters_tenant_id_created_at_idx" ON "logical_clusters"("tenant_id", "created_at");

-- CreateIndex
CREATE INDEX "logical_clusters_physical_cluster_id_status_idx" ON "logical_clusters"("physical_cluster_id", "status");

-- CreateIndex
CREATE INDEX "logical_clusters_cell_id_idx" ON "logical_clusters"("cell_id");

-- CreateIndex
CREATE UNIQUE INDEX "topics_logical_cluster_id_name_key" ON "topics"("logical_cluster_id", "name");

-- CreateIndex
CREATE UNIQUE INDEX "credentials_api_key_key" ON "credentials"("api_key");

-- CreateIndex
CREATE INDEX "credentials_logical_cluster_id_status_idx" ON "credentials"("logical_cluster_id", "status");

-- CreateIndex
CREATE INDEX "idempotency_records_expires_at_idx" ON "idempotency_records"("expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "idempotency_records_scope_key_key" ON "idempotency_records"("scope", "key");

-- CreateIndex
CREATE INDEX "audit_events_subject_type_subject_id_at_idx" ON "audit_events"("subject_type", "subject_id", "at");

-- CreateIndex
CREATE INDEX "audit_events_correlation_id_idx" ON "audit_events"("correlation_id");

-- CreateIndex
CREATE INDEX "audit_events_cluster_id_at_idx" ON "audit_events"("cluster_id", "at");

-- CreateIndex
CREATE INDEX "audit_events_at_idx" ON "audit_events"("at");

-- AddForeignKey
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "brokers" ADD CONSTRAINT "brokers_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "physical_clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "brokers" ADD CONSTRAINT "brokers_cell_id_fkey" FOREIGN KEY ("cell_id") REFERENCES "cells"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cells" ADD CONSTRAINT "cells_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "physical_clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "logical_clusters" ADD CONSTRAINT "logical_clusters_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "logical_clusters" ADD CONSTRAINT "logical_clusters_physical_cluster_id_fkey" FOREIGN KEY ("physical_cluster_id") REFERENCES "physical_clusters"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "logical_clusters" ADD CONSTRAINT "logical_clusters_cell_id_fkey" FOREIGN KEY ("cell_id") REFERENCES "cells"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "topics" ADD CONSTRAINT "topics_logical_cluster_id_fkey" FOREIGN KEY ("logical_cluster_id") REFERENCES "logical_clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credentials" ADD CONSTRAINT "credentials_logical_cluster_id_fkey" FOREIGN KEY ("logical_cluster_id") REFERENCES "logical_clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE;

