-- Remote service names seen per local service (Zipkin's /api/v2/remoteServices).
CREATE TABLE remote_services (
  service_id INTEGER NOT NULL,
  name       TEXT NOT NULL,
  PRIMARY KEY (service_id, name)
) WITHOUT ROWID;

-- Values of the configured autocomplete tag keys (Zipkin's /api/v2/autocompleteValues).
CREATE TABLE tag_values (
  key   TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (key, value)
) WITHOUT ROWID;
