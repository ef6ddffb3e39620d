from reader.core.history import History, Place


def test_back_and_forward_walk_the_places_visited() -> None:
    history = History()
    for place in (Place("guidance"), Place("background"), Place("background", "b.x")):
        history.visit(place)
    assert history.back() == Place("background")
    assert history.back() == Place("guidance")
    assert history.back() is None
    assert history.forward() == Place("background")
    history.visit(Place("presentation"))
    assert not history.can_go_forward()
    assert history.back() == Place("background")


def test_revisiting_the_current_place_adds_nothing() -> None:
    history = History()
    history.visit(Place("guidance"))
    history.visit(Place("guidance"))
    assert not history.can_go_back()
