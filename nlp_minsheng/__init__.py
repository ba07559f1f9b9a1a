"""nlp_minsheng: structured data from Chinese livelihood-plan announcements."""

__version__ = "0.1.0"
