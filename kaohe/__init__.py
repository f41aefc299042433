"""Kaohe (考核): performance appraisal for Chinese public-sector units."""

__version__ = "0.1.0"
