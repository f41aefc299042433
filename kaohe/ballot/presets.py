"""Ready rater-group layouts for a new campaign, from the seeds: the office picks one and can then
adjust weights in the administration while the campaign is still in preparation."""

from django.utils.translation import gettext_lazy as _

from .choices import Relation, Voting
from .services import GroupSpec

OPTIONS_FOUR = [("优秀", 100), ("良好", 85), ("一般", 70), ("较差", 50)]
DIMENSIONS_FIVE = [("德", 20), ("能", 15), ("勤", 15), ("绩", 30), ("廉", 20)]

LAYOUTS = {
    # seed 002, in its scheme's words: 班子成员 40%, 中层干部 30%, 其他在编干部 20%, 不在编干部 10%;
    # everyone rates everyone
    "identity": (
        _("By identity: leadership 40%, middle 30%, other established 20%, off establishment 10%"),
        [
            GroupSpec("班子成员", 40, identities=("leadership",)),
            GroupSpec("中层干部", 30, identities=("middle",)),
            GroupSpec("其他在编干部", 20, identities=("general",), staffings=("established",)),
            GroupSpec("不在编干部", 10, identities=("general",), staffings=("non_established", "instructor")),
        ],
    ),
    # seed 003: quarterly 360: supervisor 40, peers 20, service recipients 30, experts 10
    "360": (
        _("360°: supervisors 40%, peers 20%, service recipients 30%, experts 10%"),
        [
            GroupSpec("上级", 40, identities=("leadership", "middle"), relation=Relation.DOWN),
            GroupSpec("同事", 20, identities=("general",), relation=Relation.PEER, same_unit=True),
            GroupSpec("服务对象", 30, voting=Voting.CODE),
            GroupSpec("专家", 10, voting=Voting.CODE),
        ],
    ),
    # seed 000: the unit's cadres plus outside raters (村书记、两代表一委员、企业负责人、群众代表)
    "external": (
        _("Cadres 70% and outside raters with codes 30%"),
        [
            GroupSpec("班子成员", 30, identities=("leadership",)),
            GroupSpec("中层干部", 20, identities=("middle",)),
            GroupSpec("其他干部", 20, identities=("general",)),
            GroupSpec("外部评议人", 30, voting=Voting.CODE),
        ],
    ),
}
