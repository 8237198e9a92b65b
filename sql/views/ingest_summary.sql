-- How each catalog file was accounted for: products kept and lines rejected, by reason.
CREATE OR REPLACE VIEW ingest_summary AS
SELECT source_path, 'product' AS outcome, image_status AS detail, count(*) AS n
FROM products GROUP BY ALL
UNION ALL
SELECT source_path, 'reject' AS outcome, regexp_replace(reason, ':.*', '') AS detail, count(*) AS n
FROM ingest_rejects GROUP BY ALL;
