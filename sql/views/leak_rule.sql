-- The one leak rule (docs/profiles.md, "The leak rule"): does a text give its target product away?
-- Used by the profile screen (muse_core/leaks.py evaluates target_leak through DuckDB) and by the
-- target_leaks and backstory_leaks views, so there is one definition. Macros are stored in the
-- database file, so read-only connections (muse sql, view, export) can call them.
--
-- A text leaks its target when it
--   1. names the brand: the listing's details.Brand or its store, as whole words;
--   2. names the title: all of the title's words, in order;
--   3. repeats a run of three title words, two of them distinctive. Words are lowercase letters
--      and digits ("Men's" -> "mens"); stop words and the department ("mens", "girls") are
--      skipped on both sides; a distinctive word is one that says nothing a shopper would ask
--      for: not the product's type, colours, materials or pattern (its summary attributes and
--      details.Color / details.Material). "white chino trousers in linen" describes a need;
--      "marlowe waterproof leather" repeats a model name;
--   4. quotes a distinctive attribute phrase: a value of the listing's details (other than
--      Brand, Color, Material, Department, and the needs a shopper states: Room, Occasion,
--      Season, as in "redoing a living room") of two words or more with a distinctive word in it.
-- It returns why, or NULL.

-- every word of a text: lowercase letters and digits, apostrophes dropped, 'colour' spelt 'color'
CREATE OR REPLACE MACRO leak_tokens(s) AS
    list_filter(string_split_regex(replace(regexp_replace(lower(coalesce(s, '')), '[''’]', '', 'g'), 'colour', 'color'),
                                   '[^a-z0-9]+'), lk_w -> lk_w <> '');

-- the words that can make a run: no stop words, no department words
CREATE OR REPLACE MACRO leak_words(s) AS
    list_filter(leak_tokens(s), lk_w -> NOT list_contains(
        ['a', 'an', 'and', 'the', 'for', 'with', 'in', 'of', 'to', 'on', 'by', 'at', 'or', 'from', 'as', 'is',
         'it', 'its', 's', 'my', 'your', 'this', 'that', 'men', 'mens', 'man', 'women', 'womens', 'woman',
         'boy', 'boys', 'girl', 'girls', 'kid', 'kids', 'unisex', 'baby', 'adult', 'adults'], lk_w));

-- the words that describe what kind of product it is (a shopper's need words)
CREATE OR REPLACE MACRO leak_plain_words(attributes, details) AS
    leak_tokens(concat_ws(' ', json_extract(attributes, '$.product_type'), json_extract(attributes, '$.colors'),
                          json_extract(attributes, '$.materials'), json_extract(attributes, '$.pattern'),
                          json_extract(details, '$.Color'), json_extract(details, '$.Material')));

-- does the word list `inner` occur, in order and contiguous, in the word list `outer`?
CREATE OR REPLACE MACRO leak_contains(outer_words, inner_words) AS
    len(inner_words) > 0
    AND contains(' ' || array_to_string(outer_words, ' ') || ' ', ' ' || array_to_string(inner_words, ' ') || ' ');

-- the first run of three title words, two distinctive, that the text repeats (NULL if none)
CREATE OR REPLACE MACRO leak_title_run(text_words, title_words, plain) AS
    list_filter(list_transform(range(1, greatest(len(title_words) - 1, 1)), lk_i -> title_words[lk_i:lk_i + 2]),
                lk_run -> len(list_filter(lk_run, lk_w -> NOT list_contains(plain, lk_w))) >= 2
                       AND leak_contains(text_words, lk_run))[1];

-- the first distinctive detail value the text quotes, as 'Key: value' (NULL if none). Each
-- detail is kept as a struct (key, value, value's words) so a ': ' inside a key or a value is
-- just text, and the value's words are computed once.
CREATE OR REPLACE MACRO leak_detail_phrase(said, details, plain) AS
    list_transform(list_filter(list_transform(list_transform(
                    list_filter(coalesce(json_keys(details), []), lk_k -> lk_k NOT IN ('Brand', 'Color', 'Material', 'Department', 'Room', 'Occasion', 'Season')),
                    lk_k -> {'k': lk_k, 'v': coalesce(json_extract_string(details, '/' || replace(replace(lk_k, '~', '~0'), '/', '~1')), '')}),
                lk_d -> {'k': lk_d.k, 'v': lk_d.v, 'w': leak_words(lk_d.v)}),
                lk_d -> len(lk_d.w) >= 2
                     AND len(list_filter(lk_d.w, lk_w -> NOT list_contains(plain, lk_w))) >= 1
                     AND leak_contains(leak_words(said), lk_d.w)),
                lk_d -> lk_d.k || ': ' || lk_d.v)[1];

CREATE OR REPLACE MACRO target_leak(said, title, store, details, attributes) AS (
    SELECT CASE
        WHEN found_brand IS NOT NULL THEN 'names the brand ''' || found_brand || ''''
        WHEN leak_contains(leak_tokens(said), leak_tokens(title)) THEN 'names the title'
        WHEN title_run IS NOT NULL THEN 'repeats the title''s words ''' || array_to_string(title_run, ' ') || ''''
        WHEN detail_phrase IS NOT NULL THEN 'quotes the listing''s ' || detail_phrase
    END
    FROM (SELECT list_filter([store, json_extract_string(details, '$.Brand')],
                             lk_b -> length(lk_b) > 2 AND leak_contains(leak_tokens(said), leak_tokens(lk_b)))[1] AS found_brand,
                 leak_title_run(leak_words(said), leak_words(title), leak_plain_words(attributes, details)) AS title_run,
                 leak_detail_phrase(said, details, leak_plain_words(attributes, details)) AS detail_phrase)
);
