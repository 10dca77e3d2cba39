-- Written by hand: Prisma 6 cannot declare partial indexes in schema.prisma. Its schema
-- engine ignores partial indexes when it diffs, so later migrations leave these alone.
-- No semicolon in comments or strings: adapter-pg 6.19 splits a migration on each one.

-- A tenant's logical cluster names are unique among the clusters not deleted, so a
-- deleted cluster's name can be used again.
CREATE UNIQUE INDEX "logical_clusters_tenant_id_name_live_key" ON "logical_clusters"("tenant_id", "name") WHERE "deleted_at" IS NULL;

-- At most one quarantine cell per physical cluster.
CREATE UNIQUE INDEX "cells_cluster_id_quarantine_key" ON "cells"("cluster_id") WHERE "quarantine";
