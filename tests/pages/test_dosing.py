"""Total dose per course of published protocols: arithmetic checked by hand."""

import pandas as pd
import pytest

from analysis.pages.dosing import protocol_figure, total_dose_mg


def test_fixed_rate_continuous_course():
    # 22 mg/h for 4 days (96 h), as quoted in src002: 22 x 96 = 2112 mg.
    assert total_dose_mg(22, "mg/h", 96, 1) == pytest.approx(2112)


def test_weight_based_course_at_reference_weight():
    # 0.35 mg/kg/h x 70 kg x 4 h x 10 sessions = 980 mg.
    assert total_dose_mg(0.35, "mg/kg/h", 4, 10, weight_kg=70) == pytest.approx(980)


def test_unknown_unit_is_refused():
    with pytest.raises(ValueError, match="unknown rate unit"):
        total_dose_mg(1, "mg/min", 1, 1)


def test_figure_plots_one_bar_per_protocol_with_alt_text():
    protocols = pd.DataFrame(
        {"label": ["A", "B"], "rate": [22.0, 0.35], "rate_unit": ["mg/h", "mg/kg/h"], "hours_per_session": [96.0, 4.0], "sessions": [1, 10]}
    )
    fig, alt = protocol_figure(protocols, weight_kg=70)
    bars = fig.axes[0].patches
    assert sorted(round(b.get_width()) for b in bars) == [980, 2112]
    assert "A: 2,112 mg" in alt and "B: 980 mg" in alt
