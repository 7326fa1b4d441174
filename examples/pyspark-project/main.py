"""Counts the most frequent words of a reviews file.

Usage: main.py <input> [--top N]

On a cluster this is a PySpark job: Submit-SparkJob ships this script, and the `reviews` package zipped from the
project folder (--py-files). In the GenieLocal sandbox, where Spark is not installed, the same logic runs in plain
Python so the whole submit / wait / read loop can be tried on a laptop.
"""
import argparse
from collections import Counter

from reviews.words import tokens, top


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("input")
    parser.add_argument("--top", type=int, default=5)
    args = parser.parse_args()

    try:
        from pyspark.sql import SparkSession
    except ImportError:
        SparkSession = None

    if SparkSession is not None:
        spark = SparkSession.builder.appName("review-words").getOrCreate()
        lines = spark.sparkContext.textFile(args.input)
        counts = dict(lines.flatMap(tokens).map(lambda w: (w, 1)).reduceByKey(lambda a, b: a + b).collect())
        spark.stop()
    else:
        with open(args.input, encoding="utf-8") as f:
            counts = Counter(w for line in f for w in tokens(line))

    for word, count in top(counts, args.top):
        print(f"{count}\t{word}")


if __name__ == "__main__":
    main()
