"""The demo campaign: an open annual democratic evaluation of the demo township's leadership team
and middle-level cadres, rated by everyone with an account in four rater groups (seed 002)."""

from django.db import transaction
from django.utils import timezone

from kaohe.org.demo import DEMO_ROOT_CODE
from kaohe.org.models import Person, Unit, in_subtree

from . import presets, services
from .models import Campaign

DEMO_CAMPAIGN_NAME = "班子成员和中层干部民主测评"


def load_demo_campaign(*, stdout=None, today=None):
    """Create and open the demo campaign once (after :func:`kaohe.org.demo.load_demo`); a second
    call, or a database without the demo township, does nothing. Returns the campaign or None."""
    root = Unit.objects.filter(code=DEMO_ROOT_CODE).first()
    if root is None:
        return None
    existing = Campaign.objects.filter(unit=root, name=DEMO_CAMPAIGN_NAME).first()
    if existing is not None:
        return existing
    year = (today or timezone.localdate()).year
    ratees = Person.objects.filter(
        in_subtree(root), active=True, identity__in=["leadership", "middle"]
    ).order_by("unit__path", "staff_no")
    with transaction.atomic():
        campaign = services.create_campaign(
            actor=None,
            unit=root,
            name=DEMO_CAMPAIGN_NAME,
            period=f"{year}年度",
            options=presets.OPTIONS_FOUR,
            groups=presets.LAYOUTS["identity"][1],
            ratees=list(ratees),
            min_ballots=5,
        )
        services.open_campaign(actor=None, campaign=campaign)
    if stdout is not None:
        stdout.write(f"Opened the demo ballot campaign for {campaign.ratees.count()} people.\n")
    return campaign
