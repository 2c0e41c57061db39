"""Scrapy spiders, one per site family. They make requests and hand responses to extractors."""
