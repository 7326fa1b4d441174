-- Daily review summary per product: portable SQL that runs on Spark SQL and on the local DuckDB engine.
-- Parameters: ${from} and ${to}, the first and last day (dates) to summarise.
-- The sums are cast to BIGINT: Spark's sum of an int is a bigint, DuckDB's a 128-bit integer (decimal(38,0) here).
-- Written with: Invoke-SparkSql -Path daily_summary.sql -OutputTable demo.daily_summary -PartitionBy ds -Mode Overwrite
SELECT ds,
       product,
       count(*)                                                  AS reviews,
       CAST(avg(rating) AS DECIMAL(3,2))                         AS avg_rating,
       CAST(sum(CASE WHEN rating <= 2 THEN 1 ELSE 0 END) AS BIGINT) AS low_ratings,
       CAST(sum(helpful_votes) AS BIGINT)                        AS helpful_votes,
       max(CASE WHEN rating = 5 THEN true ELSE false END)        AS any_five_star
FROM demo.reviews
WHERE ds BETWEEN ${from} AND ${to}
GROUP BY ds, product
