"""Tests of edu-news-archiver; ``tests.mockweb`` is the local internet they crawl."""
