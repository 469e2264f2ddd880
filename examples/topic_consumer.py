#!/usr/bin/python3
"""A downstream reader of one headwire topic stream, headwire.topic.<topic>, in Python.

Each record's value is a headwire.v1.ProcessedArticle (proto/headwire/v1/article.proto); its key
is the article id. Generate the Python classes once with
    protoc -Iproto --python_out=OUT proto/headwire/v1/article.proto
and put OUT on PYTHONPATH. The reader joins its own consumer group, so it gets every unique
article of the topic, and prints one tab-separated line per article:
    <published_at UTC>  <article id>  <source>  <title>

Usage: topic_consumer.py --bootstrap HOST:PORT --topic space [--group NAME] [--to-end]
  --to-end  exit once the end of every partition is reached (default: follow forever)
"""

import argparse
import datetime
import sys

from confluent_kafka import Consumer, KafkaError

from headwire.v1 import article_pb2


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--topic", required=True, help="taxonomy topic, e.g. space")
    parser.add_argument("--group", default="headwire-topic-reader")
    parser.add_argument("--to-end", action="store_true")
    args = parser.parse_args()

    consumer = Consumer({
        "bootstrap.servers": args.bootstrap,
        "group.id": args.group,
        "auto.offset.reset": "earliest",
        "enable.partition.eof": args.to_end,
    })
    consumer.subscribe(["headwire.topic." + args.topic])
    at_end = set()
    try:
        while True:
            msg = consumer.poll(1.0)
            if msg is None:
                continue
            if msg.error():
                if msg.error().code() == KafkaError._PARTITION_EOF:
                    at_end.add(msg.partition())
                    if len(at_end) == len(consumer.assignment()):
                        return 0
                    continue
                print(f"topic_consumer: {msg.error()}", file=sys.stderr)
                continue  # the client recovers from broker errors on its own
            at_end.discard(msg.partition())
            article = article_pb2.ProcessedArticle.FromString(msg.value())
            published = datetime.datetime.fromtimestamp(
                article.article.published_at_ms / 1000, datetime.timezone.utc)
            print(f"{published:%Y-%m-%dT%H:%M:%SZ}\t{article.article.id}\t"
                  f"{article.article.source}\t{article.article.title}", flush=True)
    finally:
        consumer.close()


if __name__ == "__main__":
    sys.exit(main())
