"""Schematic drawings for the book (not data): how ketamine acts at a glutamate synapse.

The drawing follows the textbook account recorded in data/facts.csv: glutamate released
from the presynaptic terminal opens AMPA and NMDA receptors; the NMDA receptor is a
ligand-gated ion channel (fact ``nmda_receptor_ionotropic_mesh``) whose pore is blocked
by Mg2+ at resting potential and, once open, by ketamine (``nmda_channel_block_ars2013``,
``ketamine_noncompetitive_nmda_maher2017``); Ca2+ entering through it drives the changes
called central sensitization and wind-up (``windup_nmda_eujp2000``). Positions are
arbitrary; nothing in it is measured.
"""

from __future__ import annotations

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Rectangle, RegularPolygon  # noqa: E402

from analysis.figures.style import OKABE_ITO  # noqa: F401 - also selects the headless backend

# Every text label of the schematic, in reading order (the test checks the figure shows each).
LABELS = {
    "presynaptic": "Presynaptic terminal (primary afferent)",
    "release": "glutamate released",
    "cleft": "synaptic cleft",
    "ampa": "AMPA receptor\n(Na+ in: depolarises)",
    "nmda": "NMDA receptor:\nligand-gated ion channel\n(not G protein-coupled)",
    "mg": "Mg2+ blocks the pore\nat resting potential",
    "ketamine": "ketamine binds inside\nthe open channel (PCP site)\nand blocks it",
    "calcium": "Ca2+ influx",
    "postsynaptic": "Postsynaptic dorsal horn neuron",
    "sensitization": "Ca2+-dependent signalling →\ncentral sensitization, wind-up\n(amplified pain signals)",
}


def nmda_synapse_figure() -> tuple[Figure, str]:
    """A labelled synapse schematic; returns (figure, alt text). Not data: a drawing."""
    fig, ax = plt.subplots(figsize=(9, 6.2))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    ax.axis("off")

    # Presynaptic terminal with glutamate vesicles.
    ax.add_patch(FancyBboxPatch((1.0, 8.1), 8.0, 1.5, boxstyle="round,pad=0.1", fc="#E8F4FB", ec=OKABE_ITO["blue"], lw=1.5))
    ax.text(5.0, 9.3, LABELS["presynaptic"], ha="center", va="center", fontsize=10, weight="bold")
    for x in (3.2, 4.2, 5.6, 6.6):
        ax.add_patch(Circle((x, 8.6), 0.28, fc="white", ec=OKABE_ITO["blue"]))
        for dx, dy in ((-0.09, 0.05), (0.08, -0.06), (0.0, 0.1)):
            ax.add_patch(Circle((x + dx, 8.6 + dy), 0.045, fc=OKABE_ITO["bluish_green"], ec="none"))

    # Glutamate release into the cleft.
    for x in (2.8, 4.6):
        ax.add_patch(FancyArrowPatch((x + 0.4, 7.95), (x, 6.45), arrowstyle="-|>", mutation_scale=14, color=OKABE_ITO["bluish_green"], lw=1.6))
    ax.text(0.6, 7.45, LABELS["release"], ha="left", va="center", fontsize=9, color=OKABE_ITO["bluish_green"])
    ax.text(0.6, 6.85, LABELS["cleft"], ha="left", va="center", fontsize=8, style="italic", color="#555555")

    # Postsynaptic membrane.
    ax.add_patch(Rectangle((0.5, 5.2), 9.0, 0.9, fc="#FFF5E0", ec=OKABE_ITO["orange"], lw=1.2))

    # AMPA receptor (left).
    for x in (1.9, 2.55):
        ax.add_patch(Rectangle((x, 5.0), 0.45, 1.3, fc=OKABE_ITO["sky_blue"], ec="black", lw=0.8))
    ax.text(2.47, 4.15, LABELS["ampa"], ha="center", va="center", fontsize=8.5)

    # NMDA receptor channel (centre) with pore.
    ax.add_patch(Rectangle((4.3, 4.9), 0.6, 1.5, fc=OKABE_ITO["orange"], ec="black", lw=0.8))
    ax.add_patch(Rectangle((5.5, 4.9), 0.6, 1.5, fc=OKABE_ITO["orange"], ec="black", lw=0.8))
    ax.annotate(LABELS["nmda"], xy=(6.1, 6.3), xytext=(6.9, 7.45), fontsize=8.5, weight="bold", va="center",
                arrowprops=dict(arrowstyle="-", color="#333333", lw=0.8))
    # Mg2+ in the pore (upper) and ketamine deeper in the pore.
    ax.add_patch(Circle((5.2, 6.05), 0.18, fc=OKABE_ITO["grey"], ec="black", lw=0.8))
    ax.text(5.2, 6.05, "Mg", ha="center", va="center", fontsize=6, color="white", weight="bold")
    ax.add_patch(RegularPolygon((5.2, 5.45), numVertices=6, radius=0.24, fc=OKABE_ITO["vermillion"], ec="black", lw=0.8))
    ax.text(5.2, 5.45, "K", ha="center", va="center", fontsize=7, color="white", weight="bold")
    ax.annotate(LABELS["mg"], xy=(5.38, 6.08), xytext=(6.9, 6.5), fontsize=8, va="center",
                arrowprops=dict(arrowstyle="-", color="#333333", lw=0.8))
    ax.annotate(LABELS["ketamine"], xy=(5.44, 5.45), xytext=(6.9, 4.45), fontsize=8, va="center", color=OKABE_ITO["vermillion"],
                arrowprops=dict(arrowstyle="-", color=OKABE_ITO["vermillion"], lw=0.9))

    # Ca2+ influx through the channel.
    ax.add_patch(FancyArrowPatch((5.2, 4.85), (5.2, 3.35), arrowstyle="-|>", mutation_scale=16, color=OKABE_ITO["blue"], lw=2, linestyle="--"))
    ax.text(5.45, 4.0, LABELS["calcium"], ha="left", va="center", fontsize=9, color=OKABE_ITO["blue"])

    # Postsynaptic neuron and downstream sensitization.
    ax.text(0.6, 3.55, LABELS["postsynaptic"], ha="left", va="center", fontsize=10, weight="bold")
    ax.add_patch(FancyBboxPatch((3.0, 1.05), 4.4, 1.9, boxstyle="round,pad=0.1", fc="#FBEAF3", ec=OKABE_ITO["reddish_purple"], lw=1.5))
    ax.text(5.2, 2.0, LABELS["sensitization"], ha="center", va="center", fontsize=9)
    ax.text(5.0, 0.35, "Schematic, not to scale; not data.", ha="center", va="center", fontsize=7.5, style="italic", color="#555555")
    fig.tight_layout()

    alt = (
        "Schematic drawing of a glutamate synapse in the spinal dorsal horn. At the top, a presynaptic terminal releases glutamate "
        "into the synaptic cleft. On the postsynaptic membrane below sit an AMPA receptor, which lets sodium in and depolarises the "
        "cell, and an NMDA receptor drawn as a ligand-gated ion channel, not a G protein-coupled receptor. In the NMDA channel's pore, "
        "a magnesium ion blocks the pore at resting potential, and ketamine is shown bound deeper inside the open channel, blocking it. "
        "A dashed arrow shows calcium flowing in through the channel to a box labelled calcium-dependent signalling leading to central "
        "sensitization and wind-up, that is amplified pain signals. The drawing is a schematic, not data."
    )
    return fig, alt


