// OSRM client (in progress).
