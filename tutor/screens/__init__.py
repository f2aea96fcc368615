"""One screen per place the learner can be: the map, a lesson, a code cell, the reference pages."""
