// The planner edges (helpers in progress).
