"""The policy's vocabulary, shared by the models and the sales rules (``validation``) without
either importing the other: industries, IT-security criteria, the terms sold, calendar years."""

from __future__ import annotations

from datetime import date

from django.db import models

# The terms a policy is sold for, in years.
TERM_CHOICES = [(1, "1 year"), (3, "3 years")]


def add_years(day: date, years: int) -> date:
    """``day`` moved by ``years`` calendar years (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class Industry(models.TextChoices):
    IT_SERVICES = "it_services", "IT services and software"
    CONSULTING = "consulting", "Consulting"
    MEDIA = "media", "Media, design and marketing"
    LIBERAL_PROFESSIONS = "liberal_professions", "Liberal professions (law, tax, medicine)"
    HOSPITALITY = "hospitality", "Hotels and gastronomy"
    HEALTH = "health", "Health care"
    TRADE_LOGISTICS = "trade_logistics", "Crafts, trade and logistics"
    AGRICULTURE = "agriculture", "Agriculture and forestry"
    ASSOCIATIONS = "associations", "Associations"
    UTILITIES = "utilities", "Public utilities"
    MANUFACTURING = "manufacturing", "Manufacturing"
    FINANCIAL_ADVICE = "financial_advice", "Financial advice and brokerage"


class ITSecurityCriterion(models.TextChoices):
    ISO27001 = "iso27001", "ISO 27001 / IEC certification"
    ISMS = "isms", "Information security management system (e.g. VdS 10000)"
    ISIS12 = "isis12", "External IT-security certificate (ISIS12)"
    PENTEST = "pentest", "Pentest in the last 2 years, all critical findings fixed"
