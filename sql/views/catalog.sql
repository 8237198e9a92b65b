-- One row per product with what later stages need: summary, image facts and index coverage.
CREATE OR REPLACE VIEW catalog AS
SELECT p.product_id, p.domain, p.title, p.price, p.store, p.categories,
       i.mime AS image_mime, i.width AS image_width, i.height AS image_height,
       s.summary, d.doc IS NOT NULL AS indexed,
       (SELECT list(e.model ORDER BY e.model) FROM product_embeddings e
         WHERE e.product_id = p.product_id) AS embedding_models
FROM products p
LEFT JOIN product_images i ON i.product_id = p.product_id AND i.variant = 'MAIN'
LEFT JOIN product_summaries s ON s.product_id = p.product_id
LEFT JOIN product_docs d ON d.product_id = p.product_id;
