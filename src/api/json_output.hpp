#pragma once

#include <boost/json/object.hpp>

#include "core/domain.hpp"

// The JSON form of each record as the API returns it (and as the OpenAPI document describes it).
namespace boucle::api {

boost::json::object to_json(const core::User& user);
boost::json::object to_json(const core::Store& store);
boost::json::object to_json(const core::Product& product);
boost::json::object to_json(const core::AssortmentRule& rule);
boost::json::object to_json(const core::Visit& visit);
boost::json::object to_json(const core::Audit& audit);
boost::json::object to_json(const core::Order& order);
boost::json::object to_json(const core::SalesFact& fact);
boost::json::object to_json(const core::Attachment& attachment);
boost::json::object to_json(const core::Note& note);
boost::json::object to_json(const core::Task& task);
boost::json::object to_json(const core::Conflict& conflict);
boost::json::object to_json(const core::Segment& segment);
boost::json::object to_json(const core::SegmentEvent& event);
boost::json::object to_json(const core::Campaign& campaign);  // without its progress

}  // namespace boucle::api
