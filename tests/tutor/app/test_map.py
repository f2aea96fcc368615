"""The map on the shipped curriculum: every box can be reached and seen on a real-sized terminal."""

from tests.tutor.app.conftest import TODAY, ScriptedClient, greeted
from tutor.app import make_app
from tutor.store import ProgressStore
from tutor.widgets.graph_map import GraphMap


async def test_moving_to_the_bottom_row_scrolls_its_box_into_view():
    app = make_app(store=greeted(ProgressStore()), client=ScriptedClient(), typing=False,
                   today=lambda: TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        graph_map = app.screen.query_one(GraphMap)
        lowest = max(graph_map.boxes.values(), key=lambda box: box.y)
        assert lowest.y + 3 > graph_map.parent.size.height  # the map is taller than the screen
        graph_map.cursor = lowest.node.id
        await pilot.pause()
        box = lowest.region.translate(graph_map.region.offset)  # where the box is drawn now
        assert graph_map.parent.region.contains_region(box)
