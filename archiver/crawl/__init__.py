"""Scrapy adapters: the settings, the retry-with-back-off middleware and the storage pipeline."""
