-- Loads examples/data/reviews.csv into a table (run with Invoke-SparkSql -OutputTable demo.reviews -PartitionBy ds).
-- read_csv is the local DuckDB engine's file reader; on a Spark cluster the same load is
--   SELECT ... FROM csv.`s3://bucket/reviews.csv` (with spark.sql options) or a spark.read job.
-- ${path} is the CSV's absolute path, given with -Parameters @{ path = ... } (a string literal, escaped for you).
SELECT review_id,
       review_date AS ds,
       product,
       rating,
       helpful_votes,
       text
FROM read_csv(${path}, header = true,
              columns = {'review_id': 'INTEGER', 'review_date': 'DATE', 'product': 'VARCHAR',
                         'rating': 'INTEGER', 'helpful_votes': 'INTEGER', 'text': 'VARCHAR'})
