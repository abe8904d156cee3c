#pragma once

#include <boost/json/object.hpp>
#include <string>

// Statistics and the HTML report of a simulation study: the JSON result of several closed-loop
// runs (policy × seed) over the same synthetic world. Schema of a study:
//   { "scenario": {"name": ..., ...}, "new_range": "...", "ranges": [...],
//     "reference_policy": "frequency",            // optional
//     "runs": [ { "policy": "...", "seed": 1,
//                 "summary": {"<metric>": number, ...},
//                 "weeks": [ {"week": 0, "date": "YYYY-MM-DD", "<metric>": number, ...,
//                             "dn": {"<range>": share}}, ... ] } ] }
// Both functions are total: a malformed or partial study gives a partial result, never a throw.
// A metric that is missing or not a finite number is absent for that run or week; a run without
// a string policy is ignored; weeks are aligned by their position in "weeks".
namespace boucle::sim {

// Per policy (in order of first appearance in runs) and summary metric, the mean over runs with
// its 95 % Student-t interval; and per non-reference policy the interval of the per-seed paired
// difference policy − reference, over the seeds both have (the first run wins if a policy repeats
// a seed). Intervals are {"mean", "low", "high", "n", "sd"}; non-finite values are null.
//   { "level": 0.95, "reference_policy": "frequency",   // the latter only if it has runs
//     "policies": { "<policy>": { "<metric>": interval } },
//     "paired_vs_reference": { "<policy>": { "<metric>": interval } } }
// Known metrics come first in a fixed order, then the others in order of first appearance.
boost::json::object summarize(const boost::json::object& study);

// One self-contained HTML5 page (inline CSS and SVG, no script, no external resource): header,
// summary and paired-difference tables, and weekly line charts (mean over seeds, 95 % band).
// All text from the study is HTML-escaped; numbers are formatted without the C++ locale, so the
// same study always gives the same bytes.
std::string html_report(const boost::json::object& study);

}  // namespace boucle::sim
