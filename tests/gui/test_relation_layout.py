"""Where relation arcs go: staggered by distance, never sharing a stretch of one gap, legs spread."""

from annotator.gui.relation_layout import PAD, RISE, ArcRequest, End, Ink, lay_out

LINE = 20.0


def end(left, right, top=100.0):
    return End(left, top, right)


def test_nested_arcs_on_one_line_stack_short_below_long():
    a, b, c = end(0, 40), end(100, 140), end(300, 340)
    arcs = lay_out([ArcRequest("long", a, c, 30), ArcRequest("short", a, b, 30)], LINE)
    by_key = {arc.key: arc for arc in arcs}
    assert by_key["short"].level == 0
    assert by_key["long"].level == 1
    assert by_key["long"].run_y == 100 - RISE - LINE  # one text line higher: the next gap up


def test_arcs_side_by_side_share_a_gap():
    arcs = lay_out([ArcRequest(1, end(0, 40), end(60, 100), 20), ArcRequest(2, end(200, 240), end(260, 300), 20)], LINE)
    assert [arc.level for arc in arcs] == [0, 0]


def test_a_wide_label_claims_its_room_in_the_gap():
    """Two short arcs close together whose labels would overlap go to different levels."""
    arcs = lay_out([ArcRequest(1, end(0, 10), end(20, 30), 120), ArcRequest(2, end(40, 50), end(60, 70), 120)], LINE)
    assert sorted(arc.level for arc in arcs) == [0, 1]


def test_busy_lines_share_the_top_level():
    span = [end(i * 10, i * 10 + 8) for i in range(12)]
    requests = [ArcRequest(i, span[0], span[i + 1], 10) for i in range(10)]
    assert max(arc.level for arc in lay_out(requests, LINE, max_level=3)) == 3


def test_legs_at_one_span_are_spread_in_the_order_of_their_other_ends():
    hub, left, right = end(100, 160), end(0, 20), end(300, 320)
    arcs = lay_out([ArcRequest("right", hub, right, 10), ArcRequest("left", hub, left, 10)], LINE)
    by_key = {arc.key: arc for arc in arcs}
    assert by_key["left"].head[0] == 120 and by_key["right"].head[0] == 140  # thirds of the span
    assert by_key["left"].tail == (10, 100) and by_key["right"].tail == (310, 100)


def test_an_arc_between_two_lines_runs_above_the_upper_one():
    (arc,) = lay_out([ArcRequest(1, end(0, 40, top=140), end(200, 240, top=100), 10)], LINE)
    assert arc.run_y == 100 - RISE
    assert arc.head == (20, 140) and arc.tail == (220, 100)


def test_a_label_slides_along_its_run_past_the_end_of_the_line_above():
    above = Ink(82, 96, 0, 250)  # a short line over the left of the run
    (arc,) = lay_out([ArcRequest(1, end(0, 40), end(280, 320), 40)], LINE, ink=[above], label_height=10)
    assert arc.level == 0 and arc.label_x == 250 + PAD + 20  # just clear of the line's end (width 40)
    assert arc.label_center == (arc.label_x, arc.run_y)


def test_an_arc_rises_to_a_gap_where_its_label_covers_no_text_and_else_stays_low():
    above, higher = Ink(82, 96, 0, 400), Ink(42, 56, 0, 400)  # full lines; between them a blank line
    request = ArcRequest(1, end(0, 40), end(200, 240), 40)
    (arc,) = lay_out([request], LINE, ink=[above, higher], label_height=10)
    assert arc.level == 1 and arc.label_x == 120  # 72..82 of the blank line, in the middle of the run
    (arc,) = lay_out([request], LINE, ink=[above, higher], label_height=10, ceiling=75)
    assert arc.level == 0  # the blank gap is above the screen: the lowest free level, over the text
    (arc,) = lay_out([request], LINE, ink=[above, higher, Ink(62, 76, 0, 400), Ink(22, 36, 0, 400)], label_height=10)
    assert (arc.level, arc.label_x) == (0, 120)  # text everywhere: as without ink
