"""Foreign fighters per million residents: the one join every per-capita claim rests on.

An estimate of fighters from one country (`foreign_fighters`, scope "country") is divided by
that country's population (`national_population`) in one named series. The population year is
the year the estimate was published, or the latest earlier year the series has; a reader can
fix another year to see what moves. A country without a population in the series is an error,
not a silent gap in a ranking.

Ranges ("100-150") are ranked by their upper end, the figure ICSR itself divides by population
("up to; per million"); single figures rank by themselves. The low and middle rates are kept so a
chart can show how much of a ranking sits inside an estimate's own uncertainty.
"""
from __future__ import annotations

import pandas as pd


class MissingPopulation(LookupError):
    """An estimate names a country the population series does not cover for the year needed."""


def population_for(population: pd.DataFrame, country: str, year: int, series: str) -> pd.Series:
    """The row of `series` for `country` in `year`, or the latest earlier year it has."""
    rows = population[(population.country == country) & (population.series == series) & (population.year <= year)]
    if rows.empty:
        have = sorted(population.loc[population.country == country, "series"].unique())
        raise MissingPopulation(
            f"no population for {country} in {year} or earlier in series {series!r} "
            f"(data/national_population.csv has {have or 'no rows for this country'})")
    return rows.sort_values("year").iloc[-1]


def per_million(fighters: pd.DataFrame, population: pd.DataFrame, *, series: str,
                year: int | None = None) -> pd.DataFrame:
    """One row per country estimate: fighters, population used, rates per million and ranks.

    fighters: rows of `foreign_fighters`; only scope == "country" rows are used.
    series: the population series to divide by, as named in `national_population`.
    year: fix the population year for every estimate (default: each estimate's publication year).
    Ranks are within each study, by the upper end of each estimate, 1 = most; ties share the better rank.
    """
    countries = fighters[fighters.scope == "country"].copy()
    if countries.empty:
        raise ValueError("no country estimates to rank (foreign_fighters rows with scope 'country')")
    rows = []
    for estimate in countries.itertuples():
        wanted = year if year is not None else estimate.published.year
        pop = population_for(population, estimate.country, wanted, series)
        rows.append({"population": int(pop.population), "population_year": int(pop.year),
                     "population_source": pop.source})
    table = pd.concat([countries.reset_index(drop=True), pd.DataFrame(rows)], axis=1)
    for end in ("low", "high"):
        table[f"fighters_{end}"] = table[f"fighters_{end}"].astype(float)
    table["fighters_mid"] = (table.fighters_low + table.fighters_high) / 2
    for end in ("low", "mid", "high"):
        table[f"per_million_{end}"] = (table[f"fighters_{end}"] / table.population * 1e6).astype(float).round(1)
    by_study = table.groupby("study")
    table["rank_per_million"] = by_study["per_million_high"].rank(ascending=False, method="min").astype(int)
    table["rank_absolute"] = by_study["fighters_high"].rank(ascending=False, method="min").astype(int)
    return table.sort_values(["study", "rank_per_million"]).reset_index(drop=True)


def rank_of(table: pd.DataFrame, country: str, study: str, by: str = "per_million") -> int:
    """The rank of `country` in `study`, by "per_million" or "absolute"."""
    row = table[(table.country == country) & (table.study == study)]
    if row.empty:
        raise KeyError(f"{study} has no estimate for {country}")
    return int(row[f"rank_{by}"].iloc[0])


def stated_rank_figure(row: pd.Series, basis: bool = True):
    """A rank as a source states it (a row of `stated_rankings`), as an independent figure."""
    from companion.ledger import Figure

    return Figure(int(row["rank"]), row["source"], row["locator"], f"{row['study']}, as the source states it", basis=basis,
                  measure=f"rank by {row['ranked_by']} among {row['among']}",
                  basis_why="the study the report's figure comes from states the rank itself")


def computed_rank_figure(table: pd.DataFrame, country: str, study: str, by: str = "per_million"):
    """A rank computed here from `per_million`'s table: partial, since a source's list in the data
    leaves countries out (the ledger counts agreement from a partial list as close at best)."""
    from companion.ledger import Figure

    row = table[(table.study == study) & (table.country == country)]
    if row.empty:
        raise KeyError(f"{study} has no estimate for {country}")
    row = row.iloc[0]
    among = int((table.study == study).sum())
    shown = (f"{row.per_million_high:.0f} per million ({row.fighters_high:,.0f} / {row.population:,} residents, "
             f"World Bank {row.population_year})" if by == "per_million" else f"{row.fighters_high:,.0f} fighters")
    return Figure(int(row[f"rank_{by}"]), row.source,
                  f"rank computed here: {shown} among the {among} countries of this source in the dataset",
                  f"{study}, recomputed", partial=True)
