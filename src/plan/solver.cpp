#include "plan/solver.hpp"
