-- When the newest span naming each remote service and autocomplete value started, so that
-- retention can drop those no span left names, as it drops operations. Those stored before
-- this migration count as seen with the newest span stored.
ALTER TABLE remote_services ADD COLUMN last_start_us INTEGER NOT NULL DEFAULT 0;
UPDATE remote_services SET last_start_us = (SELECT coalesce(max(max_start_us), 0) FROM span_blocks);
ALTER TABLE tag_values ADD COLUMN last_start_us INTEGER NOT NULL DEFAULT 0;
UPDATE tag_values SET last_start_us = (SELECT coalesce(max(max_start_us), 0) FROM span_blocks);
-- Retention finds those to drop without reading the tables whole (tag values may be many).
CREATE INDEX remote_services_by_last_start ON remote_services (last_start_us);
CREATE INDEX tag_values_by_last_start ON tag_values (last_start_us);
