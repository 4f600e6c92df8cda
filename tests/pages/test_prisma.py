"""PRISMA 2020 flow diagram: computed from the data, and a broken count fails loudly."""

import dataclasses

import pandas as pd
import pytest

from analysis.data import load_table
from analysis.pages import prisma


def shipped_flow() -> prisma.Flow:
    return prisma.compute_flow(
        load_table("prisma_flow"), load_table("searches"), load_table("claims"), load_table("reports"), load_table("studies")
    )


def test_shipped_flow_adds_up_and_has_every_prisma2020_field():
    flow = shipped_flow()
    prisma.check_flow(flow)
    assert set(load_table("prisma_flow")["field"]) == set(prisma.PRISMA2020_FIELDS)


def test_included_studies_match_studies_csv():
    flow = shipped_flow()
    studies = load_table("studies")
    assert flow["new_studies"] == int((studies["role"] == "included").sum())
    assert flow["website_results"] == int(load_table("searches")["records"].fillna(0).sum())


def test_no_database_was_searched_so_the_database_column_is_zero():
    flow = shipped_flow()
    assert all(flow[f] == 0 for f in ("database_results", "register_results", "records_screened", "dbr_assessed"))


def broken(flow: prisma.Flow, **changes: int) -> prisma.Flow:
    return dataclasses.replace(flow, values={**flow.values, **changes})


@pytest.mark.parametrize(
    "field, delta, message",
    [
        ("records_screened", 1, "records_screened is"),
        ("other_assessed", -1, "other_assessed is"),
        ("other_excluded", 1, "other_excluded is"),
        ("new_reports", -1, "new_reports is"),
        ("dbr_assessed", 2, "dbr_assessed is"),
    ],
)
def test_a_broken_count_raises_with_a_clear_message(field, delta, message):
    flow = shipped_flow()
    with pytest.raises(prisma.PrismaError, match="does not add up") as error:
        prisma.check_flow(broken(flow, **{field: flow[field] + delta}))
    assert message in str(error.value)


def test_more_studies_than_reports_raises():
    flow = shipped_flow()
    with pytest.raises(prisma.PrismaError, match="exceeds new_reports"):
        prisma.check_flow(broken(flow, new_studies=flow["new_reports"] + len(flow.secondhand_studies) + 1))


def test_a_logged_database_search_contradicts_a_declared_zero():
    searches = load_table("searches")
    extra = searches.iloc[[0]].assign(search_id="s999", source="PubMed (MEDLINE)", records=120)
    flow = prisma.compute_flow(
        load_table("prisma_flow"), pd.concat([searches, extra]), load_table("claims"), load_table("reports"), load_table("studies")
    )
    with pytest.raises(prisma.PrismaError, match="bibliographic database or register returning 120 records"):
        prisma.check_flow(flow)


def test_incomplete_flow_data_are_refused():
    rows = load_table("prisma_flow")
    with pytest.raises(prisma.PrismaError, match="lacks the field"):
        prisma.compute_flow(rows[rows["field"] != "duplicates"], *(load_table(n) for n in ("searches", "claims", "reports", "studies")))
    declared_empty = rows.assign(value=rows["value"].where(rows["field"] != "duplicates"))
    with pytest.raises(prisma.PrismaError, match="duplicates is declared but has no value"):
        prisma.compute_flow(declared_empty, *(load_table(n) for n in ("searches", "claims", "reports", "studies")))


def test_figure_alt_text_states_the_counts():
    flow = shipped_flow()
    fig, alt = prisma.flow_figure(flow)
    assert f"Included: {flow['new_studies']} studies" in alt
    assert f"{flow['website_results']} website records" in alt
    assert fig.axes


def test_search_summary_counts_every_search():
    searches = load_table("searches")
    summary = prisma.search_summary(searches)
    assert summary["Searches"].sum() == len(searches)
    assert summary["Records returned"].sum() == int(searches["records"].fillna(0).sum())
