-- Sealed tag postings become one row per (segment, service, tag hash) holding the span row ids
-- as a delta-encoded list: a value many spans share costs a byte or two per span instead of a
-- B-tree row. Postings sealed by the older layout go back to the open tail and are sealed
-- again in the new one.
CREATE TABLE tag_posting_lists (
  segment_id INTEGER NOT NULL,
  service_id INTEGER NOT NULL,
  tag_hash   INTEGER NOT NULL,
  span_ids   BLOB NOT NULL,
  PRIMARY KEY (segment_id, service_id, tag_hash)
) WITHOUT ROWID;

INSERT INTO tag_postings_open (service_id, tag_hash, span_id)
  SELECT service_id, tag_hash, span_id FROM tag_postings;
DROP TABLE tag_postings;
DELETE FROM tag_segments;
