"""The synapse schematic of the mechanisms chapter: every label drawn, the src002 error corrected, alt text."""

from analysis.figures.schematics import LABELS, nmda_synapse_figure


def figure_texts(fig) -> list[str]:
    """All text strings drawn in a figure."""
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_every_label_is_drawn():
    fig, _ = nmda_synapse_figure()
    texts = figure_texts(fig)
    for key, label in LABELS.items():
        assert label in texts, key


def test_nmda_receptor_is_drawn_as_an_ion_channel_not_g_protein_coupled():
    # src002_04 calls the NMDA receptor 'G protein-coupled'; MeSH (fact nmda_receptor_ionotropic_mesh): ionotropic.
    assert "ligand-gated ion channel" in LABELS["nmda"] and "not G protein-coupled" in LABELS["nmda"]


def test_alt_text_describes_the_drawing_and_says_it_is_not_data():
    _, alt = nmda_synapse_figure()
    for word in ("glutamate", "magnesium", "ketamine", "calcium", "central sensitization", "not data"):
        assert word in alt


def test_figure_says_it_is_a_schematic():
    fig, _ = nmda_synapse_figure()
    assert any("not data" in t for t in figure_texts(fig))
