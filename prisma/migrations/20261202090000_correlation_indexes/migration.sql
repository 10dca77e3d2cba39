-- CreateIndex
CREATE INDEX "broker_health_transitions_correlation_id_idx" ON "broker_health_transitions"("correlation_id");

-- CreateIndex
CREATE INDEX "mitigations_correlation_id_idx" ON "mitigations"("correlation_id");

-- CreateIndex
CREATE INDEX "partition_moves_correlation_id_idx" ON "partition_moves"("correlation_id");

-- CreateIndex
CREATE INDEX "rebalance_plans_correlation_id_idx" ON "rebalance_plans"("correlation_id");
