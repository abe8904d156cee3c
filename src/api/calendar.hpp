#pragma once

#include <string>
#include <vector>

#include "core/domain.hpp"
#include "storage/storage.hpp"

// The rep's agenda as an iCalendar feed (RFC 5545), which calendar applications subscribe to.
namespace boucle::api {

// The VCALENDAR text of `entries`, generated with libical: one VEVENT per planned visit, with
// UID "visit-<visit id>@boucle" (stable across re-plans and re-publishing, so a subscribed
// calendar updates the event instead of adding another), DTSTART/DTEND in UTC, SUMMARY the store,
// LOCATION its address, GEO its position, DESCRIPTION why and what to do, SEQUENCE the visit's
// version - 1 (it grows on every change), DTSTAMP and LAST-MODIFIED the visit's last change.
std::string calendar_text(const core::User& rep,
                          const std::vector<storage::CalendarEntry>& entries);

}  // namespace boucle::api
