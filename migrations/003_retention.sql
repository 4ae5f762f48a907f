-- Retention deletes a span block once no span row points into it any more.
CREATE INDEX spans_by_block ON spans (block_id);
