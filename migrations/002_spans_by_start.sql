-- Searches without a service name (Zipkin allows them) walk spans by start time.
CREATE INDEX spans_by_start ON spans (start_us);
