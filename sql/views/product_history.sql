-- Every version of every product: the current listing (valid_to NULL) and the versions a changed
-- re-ingest superseded (product_versions), each with its MAIN photo and its summary. A version is
-- valid from valid_from (its ingest) until valid_to (the ingest that replaced it).
CREATE OR REPLACE VIEW product_history AS
SELECT p.product_id, p.content_hash, p.domain, p.title, p.main_category, p.categories, p.features, p.description,
       p.store, p.price, p.average_rating, p.rating_number, p.details, p.image_status,
       i.image, i.sha256 AS image_sha256, i.mime AS image_mime, i.width AS image_width, i.height AS image_height,
       i.source AS image_source, s.summary, s.attributes AS summary_attributes,
       p.source_path, p.source_line, p.run_id,
       p.ingested_at AS valid_from, CAST(NULL AS TIMESTAMP) AS valid_to, CAST(NULL AS VARCHAR) AS superseded_by_run
FROM products p
LEFT JOIN product_images i ON i.product_id = p.product_id AND i.variant = 'MAIN'
LEFT JOIN product_summaries s ON s.product_id = p.product_id
UNION ALL
SELECT product_id, content_hash, domain, title, main_category, categories, features, description,
       store, price, average_rating, rating_number, details, image_status,
       image, image_sha256, image_mime, image_width, image_height, image_source, summary, summary_attributes,
       source_path, source_line, run_id,
       ingested_at AS valid_from, superseded_at AS valid_to, superseded_by_run
FROM product_versions;
