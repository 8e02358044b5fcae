"""API input and output for declarations: strict Pydantic models named after the WCO Data Model.

Each field's description names the WCO Data Model class or data element it carries.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from clearway.core.ids import check_party_id

Str = Annotated[str, Field(min_length=1)]
Amount = Annotated[Decimal, Field(max_digits=18, decimal_places=2)]
Mass = Annotated[Decimal, Field(max_digits=18, decimal_places=3)]


class _In(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", str_strip_whitespace=True)


class PartyIn(_In):
    """A trader. WCO DM: Declarant / Importer / Exporter (ID, Name, Address/CountryCode)."""

    id: Annotated[
        str, Field(min_length=2, max_length=40, description="TIN/RUC/EORI (WCO: ID)"), AfterValidator(check_party_id)
    ]
    name: Annotated[str, Field(min_length=1, max_length=140, description="WCO: Name")]
    country: Annotated[str, Field(min_length=2, max_length=2, description="ISO 3166 alpha-2 (WCO: CountryCode)")]
    address: Annotated[str | None, Field(max_length=250, description="WCO: Address/Line")] = None


class RepresentativeIn(_In):
    """The customs broker or agent. WCO DM: Agent (ID, FunctionCode 2 direct / 3 indirect)."""

    id: Annotated[str, Field(min_length=2, max_length=40), AfterValidator(check_party_id)]
    name: Annotated[str, Field(min_length=1, max_length=140)]
    country: Annotated[str, Field(min_length=2, max_length=2)]
    representation: Annotated[str, Field(description="'direct' or 'indirect' (WCO: Agent/FunctionCode)")]


class ConsignmentIn(_In):
    """How the goods arrive. WCO DM: Consignment, ArrivalTransportMeans, LoadingLocation, UnloadingLocation."""

    transport_mode: Annotated[int | None, Field(ge=0, le=9, description="UN Rec 19 mode (WCO: ModeCode)")] = None
    means_id: Annotated[str | None, Field(min_length=1, max_length=35, description="IMO, flight, plate (WCO: ID)")] = (
        None
    )
    means_nationality: Annotated[
        str | None, Field(min_length=2, max_length=2, description="ISO 3166 (WCO: RegistrationNationalityCode)")
    ] = None
    loading_place: Annotated[
        str | None, Field(min_length=5, max_length=5, description="UN/LOCODE (WCO: LoadingLocation)")
    ] = None
    discharge_place: Annotated[
        str | None, Field(min_length=5, max_length=5, description="UN/LOCODE (WCO: UnloadingLocation)")
    ] = None
    arrival_date: Annotated[
        date | None, Field(description="Expected or actual arrival (WCO: ArrivalDateTime); default: lodgement date")
    ] = None


class PackagesIn(_In):
    """Packaging of a goods item. WCO DM: Packaging (QuantityQuantity, TypeCode, MarksNumbersID)."""

    count: Annotated[int, Field(ge=0, le=10_000_000)]
    kind: Annotated[str, Field(min_length=2, max_length=2, description="UN Rec 21 package type, e.g. CT, PK")]
    marks: Annotated[str | None, Field(max_length=512)] = None


class GoodsItemIn(_In):
    """One goods item. WCO DM: GovernmentAgencyGoodsItem."""

    sequence: Annotated[int, Field(ge=1, le=9999, description="WCO: SequenceNumeric")]
    description: Annotated[str, Field(min_length=1, max_length=512, description="WCO: Commodity/Description")]
    commodity_code: Annotated[
        str | None,
        Field(
            min_length=6,
            max_length=10,
            pattern=r"^\d+$",
            description="HS code, 6 to 10 digits (WCO: Classification/ID)",
        ),
    ] = None
    origin_country: Annotated[str | None, Field(min_length=2, max_length=2, description="WCO: Origin/CountryCode")] = (
        None
    )
    preference: Annotated[
        str | None,
        Field(
            max_length=10,
            description="Trade agreement or preference code claimed, e.g. "
            "PA (Pacific Alliance); none for MFN (WCO: DutyTaxFee/TypeCode)",
        ),
    ] = None
    quantity: Annotated[
        Decimal | None,
        Field(
            max_digits=18,
            decimal_places=3,
            description="Quantity in the unit (WCO: TariffQuantity); default: the net mass in KGM",
        ),
    ] = None
    unit: Annotated[str | None, Field(min_length=2, max_length=3, description="UN/ECE Rec 20 unit, e.g. KGM, H87")] = (
        None
    )
    net_mass: Annotated[Mass | None, Field(description="Net mass in kg (WCO: NetNetWeightMeasure)")] = None
    gross_mass: Annotated[Mass | None, Field(description="Gross mass in kg (WCO: GrossMassMeasure)")] = None
    invoice_amount: Annotated[Amount | None, Field(description="Item price on the invoice (WCO: ItemChargeAmount)")] = (
        None
    )
    invoice_currency: Annotated[
        str | None, Field(min_length=3, max_length=3, description="ISO 4217; default: the invoice's")
    ] = None
    valuation_method: Annotated[
        str | None,
        Field(
            min_length=1,
            max_length=1,
            description="WTO valuation method 1–6 (WCO: CustomsValuation/MethodCode); default 1 where allowed",
        ),
    ] = None
    procedure_code: Annotated[
        str,
        Field(
            min_length=4,
            max_length=4,
            description="Requested + previous procedure, e.g. 4000 (WCO: GovernmentProcedure/CurrentCode+PreviousCode)",
        ),
    ]
    packages: PackagesIn | None = None
    product_ids: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=80)]],
        Field(max_length=100, description="Serials or GTIN+lot for traceability"),
    ] = []


class InvoiceIn(_In):
    """The commercial invoice and delivery terms. WCO DM: Invoice, TradeTerms, CustomsValuation charges."""

    number: Annotated[str | None, Field(max_length=35, description="WCO: Invoice/ID")] = None
    incoterm: Annotated[str | None, Field(min_length=3, max_length=3, description="WCO: TradeTerms/ConditionCode")] = (
        None
    )
    currency: Annotated[str | None, Field(min_length=3, max_length=3, description="ISO 4217 invoice currency")] = None
    total_amount: Annotated[
        Amount | None, Field(description="WCO: TotalInvoiceAmount; default: the sum of the item prices")
    ] = None
    freight: Annotated[Amount | None, Field(description="Freight to the border, if paid apart")] = None
    insurance: Annotated[Amount | None, Field(description="Insurance, if paid apart")] = None


class DocumentIn(_In):
    """A supporting document. WCO DM: AdditionalDocument (CategoryCode+TypeCode, ID)."""

    type: Annotated[str, Field(min_length=1, max_length=10, description="Document type, e.g. N935 invoice")]
    reference: Annotated[str, Field(min_length=1, max_length=70, description="WCO: ID")]
    item_sequence: Annotated[int | None, Field(ge=1, le=9999)] = None


class DeclarationIn(_In):
    """An import (or export) declaration as a trader lodges it."""

    type: Annotated[str, Field(min_length=2, max_length=2, description="IM import, EX export (WCO: TypeCode)")]
    additional_type: Annotated[
        str,
        Field(min_length=1, max_length=1, description="A standard, D pre-lodged… (WCO: TypeCode, 3rd char)"),
    ]
    lrn: Annotated[
        str,
        Field(
            min_length=1,
            max_length=35,
            pattern=r"^[A-Za-z0-9\-_/.]+$",
            description="The trader's reference, unique per declarant (WCO: FunctionalReferenceID)",
        ),
    ]
    office: Annotated[str, Field(min_length=5, max_length=8, description="Customs office of lodgement")]
    declarant: PartyIn
    importer: PartyIn
    exporter: PartyIn | None = None
    representative: RepresentativeIn | None = None
    consignment: ConsignmentIn
    invoice: InvoiceIn | None = None
    goods_items: Annotated[list[GoodsItemIn], Field(min_length=1, max_length=999)]
    documents: Annotated[list[DocumentIn], Field(max_length=200)] = []
    total_items: Annotated[int | None, Field(ge=1, le=999, description="WCO: GoodsItemQuantity")] = None
    total_packages: Annotated[int | None, Field(ge=0, description="WCO: TotalPackageQuantity")] = None


class BatchIn(_In):
    """Many declarations in one request; each is accepted or rejected on its own."""

    declarations: Annotated[list[dict[str, Any]], Field(min_length=1)]


class IssueOut(BaseModel):
    """One problem, with a stable code, a message and a JSON pointer to the field."""

    code: str
    message: str
    pointer: str


class ErrorsOut(BaseModel):
    """Every problem found, at once."""

    errors: list[IssueOut]


class LodgedOut(BaseModel):
    """The answer to a lodgement: the MRN and where the declaration stands."""

    mrn: str
    lrn: str
    status: str
    status_label: str
    lane: str | None
    replayed: bool = Field(False, description="True when this LRN was lodged before; the same MRN is returned")
    links: dict[str, str]
    warnings: list[IssueOut] = Field(
        default_factory=list,
        description="Accepted, but to be looked at: e.g. PARTY_ID_CHECK_DIGIT, a party id whose check digit is "
        "wrong (CLEARWAY_PARTY_ID_CHECK_DIGITS=warn); also in the declaration's history",
    )


class HistoryOut(BaseModel):
    """One recorded action on a declaration."""

    kind: str
    at: datetime
    actor: str
    role: str
    reason: str
    status_from: str | None
    status_to: str | None
    data: dict[str, Any]


class DeclarationOut(BaseModel):
    """A declaration with its status, lane and history."""

    mrn: str
    status: str
    status_label: str
    lane: str | None
    version: int
    lodged_at: datetime
    accepted_at: datetime | None
    released_at: datetime | None
    declaration: dict[str, Any]
    history: list[HistoryOut]
    release_blockers: list[str] = Field(
        default_factory=list, description="What must happen before release (payment, agency approval…)"
    )


class SummaryOut(BaseModel):
    """A line in a list of declarations."""

    mrn: str
    lrn: str
    declarant_id: str
    importer_id: str
    type: str
    office: str
    status: str
    lane: str | None
    item_count: int
    total_amount: Decimal
    currency: str
    lodged_at: datetime
    accepted_at: datetime | None
    released_at: datetime | None
    version: int


class PageOut(BaseModel):
    """A page of declarations."""

    data: list[SummaryOut]
    count: int


class NotificationOut(BaseModel):
    """A notification to the trader: one status change or message about its declaration."""

    id: int
    mrn: str
    kind: str
    at: datetime
    status: str | None
    status_label: str | None
    message: str
    data: dict[str, Any]


class FindingsIn(_In):
    """What a documentary or physical control found."""

    result: Literal["no_discrepancy", "discrepancy"]
    kind: Annotated[
        str | None,
        Field(
            max_length=40,
            description="misclassification, undervaluation, origin, prohibited, quantity, other",
        ),
    ] = None
    revenue_recovered: Annotated[Decimal | None, Field(ge=0, max_digits=18, decimal_places=2)] = None
    notes: Annotated[str | None, Field(max_length=2000)] = None


class DecisionIn(_In):
    """An officer's decision on a declaration, with the reason that goes into the history."""

    decision: Literal["request_documents", "physical_check", "release", "detain", "clear", "invalidate"]
    reason: Annotated[str, Field(min_length=3, max_length=1000)]
    expected_version: Annotated[
        int | None, Field(ge=1, description="Refuse with 409 if the declaration changed since this version")
    ] = None
    findings: FindingsIn | None = None


class AmendmentIn(_In):
    """A trader's amendment: the whole corrected declaration and why."""

    reason: Annotated[str, Field(min_length=3, max_length=1000)]
    declaration: DeclarationIn
    expected_version: Annotated[int | None, Field(ge=1)] = None
