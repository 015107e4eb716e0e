-- RFM scores of docs/segments.md in one sqlite3 query with window functions: the floor of a one-pass scan of the orders. As of 2026-11-25; prints the customers per R and F score.
WITH agg AS (
  SELECT contact_id,
         CAST(julianday('2026-11-25') - julianday(substr(MAX(date), 1, 10)) AS INTEGER) AS r,
         COUNT(*) AS f, SUM(amount) AS m
  FROM orders WHERE date < '2026-11-26' GROUP BY contact_id),
n AS (SELECT COUNT(*) AS n FROM agg),
scored AS (
  SELECT 1 + (5 * (RANK() OVER (ORDER BY r DESC) - 1)) / n.n AS rs,
         1 + (5 * (RANK() OVER (ORDER BY f) - 1)) / n.n AS fs,
         1 + (5 * (RANK() OVER (ORDER BY m) - 1)) / n.n AS ms
  FROM agg, n)
SELECT rs, fs, COUNT(*) FROM scored GROUP BY rs, fs ORDER BY rs, fs;
