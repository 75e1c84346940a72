from ninja import Router

from core.schemas import Schema
from organisations import selectors

router = Router(tags=["基地与单位"])


class BaseOut(Schema):
    id: int
    name: str
    level: str
    registry_no: int | None
    contact_name: str
    contact_phone: str


class UnitOut(Schema):
    id: int
    name: str
    region: str


@router.get("bases", response=list[BaseOut], summary="继续教育基地名单")
def list_bases(request, q: str = "", level: str = ""):
    return [
        BaseOut(
            id=b.pk,
            name=b.name,
            level=b.base_level,
            registry_no=b.registry_no,
            contact_name=b.contact_name,
            contact_phone=b.contact_phone,
        )
        for b in selectors.search_bases(q, level)
    ]


@router.get("units", response=list[UnitOut], summary="用人单位（注册时选择）")
def list_units(request, q: str = ""):
    return [UnitOut(id=u.pk, name=u.name, region=u.region.name) for u in selectors.units(q)[:50]]
