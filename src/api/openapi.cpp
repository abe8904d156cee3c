#include <boost/json.hpp>

#include "api/app.hpp"

// The OpenAPI document is built from the route table (paths, methods, parameters, bodies,
// access) plus the schemas below, so it cannot list a route that is not served. Tests check
// that served records have exactly the properties their schema lists.
namespace boucle::api {

namespace json = boost::json;

namespace {

constexpr std::string_view SCHEMAS = R"JSON({
  "Problem": {"type": "object", "required": ["type", "title", "status", "detail"],
    "properties": {"type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
      "detail": {"type": "string"}, "code": {"type": "integer", "description": "stable error code (core/error.hpp)"},
      "errors": {"type": "array", "items": {"type": "object", "properties": {
        "field": {"type": "string"}, "message": {"type": "string"}, "line": {"type": "integer"}}}}}},
  "WeeklyHours": {"type": "object", "description": "Per weekday (mon..sun) a sorted list of [\"HH:MM\",\"HH:MM\"] intervals; a missing day is closed.",
    "additionalProperties": {"type": "array", "items": {"type": "array", "items": {"type": "string"}, "minItems": 2, "maxItems": 2}}},
  "Login": {"type": "object", "required": ["email", "password"], "additionalProperties": false,
    "properties": {"email": {"type": "string"}, "password": {"type": "string"}}},
  "LoginResult": {"type": "object", "properties": {"token": {"type": "string"}, "expires_at": {"type": "string", "format": "date-time"}, "user": {"$ref": "#/components/schemas/User"}}},
  "User": {"type": "object", "properties": {
    "id": {"type": "integer"}, "version": {"type": "integer"}, "seq": {"type": "integer"},
    "created_at": {"type": "string", "format": "date-time"}, "updated_at": {"type": "string", "format": "date-time"},
    "email": {"type": "string"}, "name": {"type": "string"}, "role": {"enum": ["admin", "manager", "rep"]},
    "home": {"type": ["object", "null"], "properties": {"lat": {"type": "number"}, "lon": {"type": "number"}}},
    "working_hours": {"$ref": "#/components/schemas/WeeklyHours"},
    "lunch_start": {"type": "string"}, "lunch_end": {"type": "string"}, "lunch_minutes": {"type": "integer"},
    "overnight_allowed": {"type": "boolean"}, "max_daily_driving_minutes": {"type": "integer"}, "active": {"type": "boolean"}}},
  "UserCreate": {"type": "object", "required": ["email", "name", "role", "password"], "additionalProperties": false, "properties": {
    "email": {"type": "string"}, "name": {"type": "string"}, "role": {"enum": ["admin", "manager", "rep"]}, "password": {"type": "string", "minLength": 10},
    "home": {"type": ["object", "null"]}, "working_hours": {"$ref": "#/components/schemas/WeeklyHours"},
    "lunch_start": {"type": "string"}, "lunch_end": {"type": "string"}, "lunch_minutes": {"type": "integer"},
    "overnight_allowed": {"type": "boolean"}, "max_daily_driving_minutes": {"type": "integer"}, "active": {"type": "boolean"}}},
  "UserPatch": {"type": "object", "additionalProperties": false, "description": "Any UserCreate field (all optional), plus version unless If-Match is sent.", "properties": {
    "version": {"type": "integer"}, "email": {"type": "string"}, "name": {"type": "string"}, "role": {"enum": ["admin", "manager", "rep"]},
    "password": {"type": "string", "minLength": 10}, "home": {"type": ["object", "null"]}, "working_hours": {"$ref": "#/components/schemas/WeeklyHours"},
    "lunch_start": {"type": "string"}, "lunch_end": {"type": "string"}, "lunch_minutes": {"type": "integer"},
    "overnight_allowed": {"type": "boolean"}, "max_daily_driving_minutes": {"type": "integer"}, "active": {"type": "boolean"}}},
  "UserList": {"$ref": "#/components/schemas/List"},
  "Store": {"type": "object", "properties": {
    "id": {"type": "integer"}, "version": {"type": "integer"}, "seq": {"type": "integer"},
    "created_at": {"type": "string", "format": "date-time"}, "updated_at": {"type": "string", "format": "date-time"},
    "code": {"type": "string"}, "name": {"type": "string"}, "banner": {"type": "string"},
    "channel": {"enum": ["hyper", "super", "proxi", "drive", "cash_carry", "specialist", "other"]},
    "address": {"type": "string"}, "postcode": {"type": "string"}, "city": {"type": "string"},
    "lat": {"type": "number", "minimum": -90, "maximum": 90}, "lon": {"type": "number", "minimum": -180, "maximum": 180},
    "timezone": {"type": "string"}, "opening_hours": {"$ref": "#/components/schemas/WeeklyHours"},
    "potential": {"type": "number"}, "size_sqm": {"type": "integer"}, "assigned_rep_id": {"type": ["integer", "null"]},
    "visit_frequency_days": {"type": "integer"}, "tags": {"type": "array", "items": {"type": "string"}}}},
  "StoreCreate": {"type": "object", "required": ["code", "name", "lat", "lon"], "additionalProperties": false, "properties": {
    "code": {"type": "string", "maxLength": 64}, "name": {"type": "string", "maxLength": 200}, "banner": {"type": "string"},
    "channel": {"enum": ["hyper", "super", "proxi", "drive", "cash_carry", "specialist", "other"]},
    "address": {"type": "string"}, "postcode": {"type": "string"}, "city": {"type": "string"},
    "lat": {"type": "number", "minimum": -90, "maximum": 90}, "lon": {"type": "number", "minimum": -180, "maximum": 180},
    "timezone": {"type": "string"}, "opening_hours": {"$ref": "#/components/schemas/WeeklyHours"},
    "potential": {"type": "number", "minimum": 0}, "size_sqm": {"type": "integer", "minimum": 0}, "assigned_rep_id": {"type": ["integer", "null"]},
    "visit_frequency_days": {"type": "integer", "minimum": 1, "maximum": 365}, "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 20}}},
  "StorePatch": {"type": "object", "additionalProperties": false, "description": "Any StoreCreate field (all optional), plus version unless If-Match is sent.", "properties": {
    "version": {"type": "integer"}, "code": {"type": "string"}, "name": {"type": "string"}, "banner": {"type": "string"}, "channel": {"type": "string"},
    "address": {"type": "string"}, "postcode": {"type": "string"}, "city": {"type": "string"}, "lat": {"type": "number"}, "lon": {"type": "number"},
    "timezone": {"type": "string"}, "opening_hours": {"$ref": "#/components/schemas/WeeklyHours"}, "potential": {"type": "number"},
    "size_sqm": {"type": "integer"}, "assigned_rep_id": {"type": ["integer", "null"]}, "visit_frequency_days": {"type": "integer"},
    "tags": {"type": "array", "items": {"type": "string"}}}},
  "StoreList": {"$ref": "#/components/schemas/List"},
  "Product": {"type": "object", "properties": {
    "id": {"type": "integer"}, "version": {"type": "integer"}, "seq": {"type": "integer"},
    "created_at": {"type": "string", "format": "date-time"}, "updated_at": {"type": "string", "format": "date-time"},
    "sku": {"type": "string"}, "ean": {"type": "string"}, "name": {"type": "string"}, "brand": {"type": "string"},
    "range": {"type": "string"}, "price_cents": {"type": "integer"}, "launched_on": {"type": ["string", "null"], "format": "date"},
    "active": {"type": "boolean"}}},
  "ProductCreate": {"type": "object", "required": ["sku", "name"], "additionalProperties": false, "properties": {
    "sku": {"type": "string"}, "name": {"type": "string"}, "ean": {"type": "string", "description": "8 or 13 digits, valid check digit"},
    "brand": {"type": "string"}, "range": {"type": "string"}, "price_cents": {"type": "integer", "minimum": 0},
    "launched_on": {"type": ["string", "null"], "format": "date"}, "active": {"type": "boolean"}}},
  "ProductPatch": {"type": "object", "additionalProperties": false, "properties": {
    "version": {"type": "integer"}, "sku": {"type": "string"}, "name": {"type": "string"}, "ean": {"type": "string"},
    "brand": {"type": "string"}, "range": {"type": "string"}, "price_cents": {"type": "integer"},
    "launched_on": {"type": ["string", "null"]}, "active": {"type": "boolean"}}},
  "ProductList": {"$ref": "#/components/schemas/List"},
  "AssortmentRule": {"type": "object", "properties": {
    "id": {"type": "integer"}, "version": {"type": "integer"}, "seq": {"type": "integer"},
    "created_at": {"type": "string"}, "updated_at": {"type": "string"},
    "channel": {"type": "string"}, "product_id": {"type": "integer"}}},
  "AssortmentRuleCreate": {"type": "object", "required": ["channel", "product_id"], "additionalProperties": false, "properties": {
    "channel": {"enum": ["hyper", "super", "proxi", "drive", "cash_carry", "specialist", "other"]}, "product_id": {"type": "integer"}}},
  "AssortmentRuleList": {"$ref": "#/components/schemas/List"},
  "Visit": {"type": "object", "properties": {
    "id": {"type": "integer"}, "version": {"type": "integer"}, "seq": {"type": "integer"},
    "created_at": {"type": "string"}, "updated_at": {"type": "string"},
    "client_id": {"type": ["string", "null"]}, "store_id": {"type": "integer"}, "rep_id": {"type": "integer"},
    "type": {"enum": ["deep", "quick"]}, "status": {"enum": ["planned", "in_progress", "done", "cancelled"]},
    "planned_at": {"type": ["string", "null"], "format": "date-time"},
    "checkin": {"type": ["object", "null"], "properties": {"at": {"type": "string"}, "lat": {"type": "number"}, "lon": {"type": "number"},
      "distance_m": {"type": "number"}, "far": {"type": "boolean"}, "reason": {"type": "string"}}},
    "checkout": {"type": ["object", "null"], "properties": {"at": {"type": "string"}, "lat": {"type": ["number", "null"]}, "lon": {"type": ["number", "null"]}}},
    "report": {"type": "string"}, "next_steps": {"type": "string"}}},
  "VisitCreate": {"type": "object", "required": ["store_id"], "additionalProperties": false, "properties": {
    "store_id": {"type": "integer"}, "type": {"enum": ["deep", "quick"]}, "planned_at": {"type": "string", "format": "date-time"},
    "client_id": {"type": "string"}, "rep_id": {"type": "integer"}}},
  "VisitPatch": {"type": "object", "additionalProperties": false, "properties": {
    "type": {"enum": ["deep", "quick"]}, "planned_at": {"type": "string"}, "report": {"type": "string"},
    "next_steps": {"type": "string"}, "status": {"enum": ["cancelled"]}, "version": {"type": "integer"}}},
  "CheckIn": {"type": "object", "required": ["lat", "lon"], "additionalProperties": false, "properties": {
    "lat": {"type": "number"}, "lon": {"type": "number"}, "at": {"type": "string", "format": "date-time"}, "reason": {"type": "string"}}},
  "CheckOut": {"type": "object", "additionalProperties": false, "properties": {
    "lat": {"type": "number"}, "lon": {"type": "number"}, "at": {"type": "string", "format": "date-time"},
    "report": {"type": "string"}, "next_steps": {"type": "string"}}},
  "VisitComplete": {"type": "object", "required": ["checkin", "checkout"], "additionalProperties": false,
    "description": "A planned visit done in full, uploaded at once: check-in, audits, order and check-out in one transaction (all or nothing), with the rules of the single endpoints.", "properties": {
    "type": {"enum": ["deep", "quick"], "description": "changes the visit's type"},
    "checkin": {"type": "object", "required": ["at", "lat", "lon"], "additionalProperties": false, "properties": {
      "at": {"type": "string", "format": "date-time"}, "lat": {"type": "number", "minimum": -90, "maximum": 90},
      "lon": {"type": "number", "minimum": -180, "maximum": 180}, "reason": {"type": "string", "maxLength": 500}}},
    "audits": {"type": "array", "maxItems": 500, "description": "one per product", "items": {"type": "object",
      "required": ["product_id", "present"], "additionalProperties": false, "properties": {
      "product_id": {"type": "integer"}, "client_id": {"type": "string"}, "present": {"type": "boolean"},
      "facings": {"type": "integer", "minimum": 0, "maximum": 1000}, "shelf_price_cents": {"type": ["integer", "null"]},
      "out_of_stock": {"type": "boolean"}, "promo": {"type": "boolean"}}}},
    "order": {"type": "object", "additionalProperties": false, "description": "absent, or without lines: no order", "properties": {
      "client_id": {"type": "string"},
      "lines": {"type": "array", "maxItems": 500, "items": {"$ref": "#/components/schemas/OrderLineInput"}}}},
    "checkout": {"type": "object", "required": ["at"], "additionalProperties": false, "properties": {
      "at": {"type": "string", "format": "date-time", "description": "not before checkin.at"},
      "lat": {"type": "number"}, "lon": {"type": "number"}, "report": {"type": "string"}, "next_steps": {"type": "string"}}}}},
  "VisitCompleted": {"type": "object", "description": "The visit (as GET /visits/{id}) with the ids of what was written.", "properties": {
    "id": {"type": "integer"}, "version": {"type": "integer"}, "seq": {"type": "integer"},
    "created_at": {"type": "string"}, "updated_at": {"type": "string"},
    "client_id": {"type": ["string", "null"]}, "store_id": {"type": "integer"}, "rep_id": {"type": "integer"},
    "type": {"enum": ["deep", "quick"]}, "status": {"enum": ["planned", "in_progress", "done", "cancelled"]},
    "planned_at": {"type": ["string", "null"], "format": "date-time"},
    "checkin": {"type": ["object", "null"]}, "checkout": {"type": ["object", "null"]},
    "report": {"type": "string"}, "next_steps": {"type": "string"},
    "audit_ids": {"type": "array", "items": {"type": "integer"}, "description": "in the order of the body's audits"},
    "order_id": {"type": ["integer", "null"]}}},
  "VisitList": {"$ref": "#/components/schemas/List"},
  "Audit": {"type": "object", "properties": {
    "id": {"type": "integer"}, "version": {"type": "integer"}, "seq": {"type": "integer"},
    "created_at": {"type": "string"}, "updated_at": {"type": "string"},
    "client_id": {"type": ["string", "null"]}, "visit_id": {"type": "integer"}, "store_id": {"type": "integer"},
    "rep_id": {"type": "integer"}, "product_id": {"type": "integer"}, "present": {"type": "boolean"},
    "facings": {"type": "integer"}, "shelf_price_cents": {"type": ["integer", "null"]},
    "out_of_stock": {"type": "boolean"}, "promo": {"type": "boolean"}}},
  "AuditCreate": {"type": "object", "required": ["visit_id", "product_id", "present"], "additionalProperties": false, "properties": {
    "visit_id": {"type": "integer"}, "product_id": {"type": "integer"}, "client_id": {"type": "string"}, "present": {"type": "boolean"},
    "facings": {"type": "integer", "minimum": 0, "maximum": 1000}, "shelf_price_cents": {"type": ["integer", "null"]},
    "out_of_stock": {"type": "boolean"}, "promo": {"type": "boolean"}}},
  "AuditPatch": {"type": "object", "additionalProperties": false, "properties": {
    "version": {"type": "integer"}, "present": {"type": "boolean"}, "facings": {"type": "integer"},
    "shelf_price_cents": {"type": ["integer", "null"]}, "out_of_stock": {"type": "boolean"}, "promo": {"type": "boolean"}}},
  "AuditList": {"$ref": "#/components/schemas/List"},
  "Order": {"type": "object", "properties": {
    "id": {"type": "integer"}, "version": {"type": "integer"}, "seq": {"type": "integer"},
    "created_at": {"type": "string"}, "updated_at": {"type": "string"},
    "client_id": {"type": ["string", "null"]}, "visit_id": {"type": ["integer", "null"]}, "store_id": {"type": "integer"},
    "rep_id": {"type": "integer"}, "status": {"enum": ["draft", "confirmed", "cancelled"]},
    "lines": {"type": "array", "items": {"type": "object", "properties": {
      "product_id": {"type": "integer"}, "quantity": {"type": "integer"}, "unit_price_cents": {"type": "integer"}}}},
    "total_cents": {"type": "integer"}}},
  "OrderLineInput": {"type": "object", "required": ["product_id", "quantity"], "additionalProperties": false, "properties": {
    "product_id": {"type": "integer"}, "quantity": {"type": "integer", "minimum": 1},
    "unit_price_cents": {"type": "integer", "description": "default: the product's list price"}}},
  "OrderCreate": {"type": "object", "required": ["lines"], "additionalProperties": false,
    "description": "store_id or visit_id (or both, consistent) is required.", "properties": {
    "store_id": {"type": "integer"}, "visit_id": {"type": "integer"}, "client_id": {"type": "string"},
    "status": {"enum": ["draft", "confirmed", "cancelled"]},
    "lines": {"type": "array", "minItems": 1, "maxItems": 500, "items": {"$ref": "#/components/schemas/OrderLineInput"}}}},
  "OrderPatch": {"type": "object", "additionalProperties": false, "properties": {
    "version": {"type": "integer"}, "status": {"enum": ["draft", "confirmed", "cancelled"]},
    "lines": {"type": "array", "items": {"$ref": "#/components/schemas/OrderLineInput"}}}},
  "OrderList": {"$ref": "#/components/schemas/List"},
  "SalesFact": {"type": "object", "properties": {"id": {"type": "integer"}, "store_id": {"type": "integer"},
    "product_id": {"type": "integer"}, "week": {"type": "string", "format": "date"}, "units": {"type": "integer"},
    "revenue_cents": {"type": "integer"}, "seq": {"type": "integer"}}},
  "SalesList": {"$ref": "#/components/schemas/List"},
  "ImportResult": {"type": "object", "properties": {"kind": {"type": "string"}, "rows": {"type": "integer"},
    "created": {"type": "integer"}, "updated": {"type": "integer"}}},
  "ChangeList": {"type": "object", "properties": {
    "items": {"type": "array", "items": {"type": "object", "properties": {"seq": {"type": "integer"},
      "kind": {"enum": ["user", "store", "product", "assortment_rule", "visit", "audit", "order", "attachment", "sales", "segment", "campaign", "note", "task", "conflict"]},
      "id": {"type": "integer"}, "deleted": {"type": "boolean"}, "data": {"type": "object"}}}},
    "next_since": {"type": "integer"}, "has_more": {"type": "boolean"}, "last_seq": {"type": "integer"}}},
  "SyncPush": {"type": "object", "required": ["device_id", "mutations"], "additionalProperties": false, "description": "docs/SYNC.md",
    "properties": {"device_id": {"type": "string", "minLength": 8, "maxLength": 64}, "device_time": {"oneOf": [{"type": "string", "format": "date-time"}, {"type": "integer"}]},
      "mutations": {"type": "array", "maxItems": 200, "items": {"type": "object", "required": ["n", "kind", "data"], "properties": {
        "n": {"type": "integer", "minimum": 1},
        "kind": {"enum": ["visit.checkin", "visit.checkout", "audit.create", "order.create", "attachment.create", "store.update", "note.put", "task.put", "note.delete", "task.delete"]},
        "data": {"type": "object"}}}}}},
  "SyncPushResult": {"type": "object", "properties": {"device_id": {"type": "string"}, "last_applied": {"type": "integer"},
    "expected": {"type": "integer"}, "cursor": {"type": "integer"}, "clock_offset_seconds": {"type": "integer"},
    "results": {"type": "array", "items": {"type": "object", "properties": {"n": {"type": "integer"},
      "status": {"enum": ["applied", "duplicate", "rejected", "retry"]}, "kind": {"type": "string"}, "id": {"type": ["integer", "null"]},
      "conflicts": {"type": "array", "items": {"type": "integer"}}, "problem": {"$ref": "#/components/schemas/Problem"}}}}}},
  "SyncPull": {"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object", "description": "as in ChangeList"}},
    "cursor": {"type": "integer"}, "has_more": {"type": "boolean"}, "epoch": {"type": "integer"}, "reset": {"type": "boolean"}}},
  "UploadStart": {"type": "object", "required": ["sha256", "size", "content_type"], "additionalProperties": false, "properties": {
    "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"}, "size": {"type": "integer", "minimum": 1, "maximum": 10485760},
    "content_type": {"enum": ["image/jpeg", "image/png", "image/webp", "application/pdf"]}}},
  "UploadState": {"type": "object", "properties": {"sha256": {"type": "string"}, "received": {"type": "integer"}, "complete": {"type": "boolean"}}},
  "Conflict": {"type": "object", "properties": {"id": {"type": "integer"}, "store_id": {"type": "integer"}, "field": {"type": "string"},
    "base": {}, "client_value": {}, "server_value": {}, "user_id": {"type": "integer"}, "status": {"enum": ["open", "resolved"]},
    "resolution": {"type": "string"}, "resolved_by": {"type": ["integer", "null"]}, "version": {"type": "integer"}}},
  "ConflictList": {"$ref": "#/components/schemas/List"},
  "AttachmentList": {"$ref": "#/components/schemas/List"},
  "ConflictResolve": {"type": "object", "required": ["keep"], "additionalProperties": false, "properties": {"keep": {"enum": ["client", "server"]}}},
  "TargetingFields": {"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object", "properties": {
    "name": {"type": "string"}, "type": {"enum": ["number", "text", "boolean", "tags"]},
    "params": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}, "kind": {"enum": ["number", "text"]}}}},
    "doc": {"type": "string"}, "reads": {"type": "array", "items": {"type": "string"}}, "known_values": {"type": "array", "items": {"type": "string"}}}}}}},
  "TargetingPreviewInput": {"type": "object", "required": ["expression"], "additionalProperties": false, "properties": {
    "expression": {"type": "string", "description": "docs/TARGETING.md"}, "sample": {"type": "integer", "minimum": 0, "maximum": 100}}},
  "StoreBrief": {"type": "object", "properties": {"id": {"type": "integer"}, "code": {"type": "string"}, "name": {"type": "string"},
    "channel": {"type": "string"}, "banner": {"type": "string"}, "town": {"type": "string"}, "lat": {"type": "number"}, "lon": {"type": "number"},
    "potential": {"type": "number"}, "rep_id": {"type": ["integer", "null"]}, "since": {"type": "string", "format": "date-time"}}},
  "SegmentCounts": {"type": "object", "properties": {"count": {"type": "integer"}, "stores_total": {"type": "integer"},
    "segment_id": {"type": "integer"},
    "by_rep": {"type": "array", "items": {"type": "object", "properties": {"rep_id": {"type": ["integer", "null"]}, "name": {"type": ["string", "null"]}, "count": {"type": "integer"}}}},
    "by_region": {"type": "array", "items": {"type": "object", "properties": {"region": {"type": "string"}, "count": {"type": "integer"}}}}}},
  "TargetingPreview": {"allOf": [{"$ref": "#/components/schemas/SegmentCounts"}, {"type": "object", "properties": {
    "expression": {"type": "string", "description": "canonical form"}, "reads": {"type": "array", "items": {"type": "string"}},
    "sample": {"type": "array", "items": {"$ref": "#/components/schemas/StoreBrief"}}}}]},
  "TargetingExplainInput": {"type": "object", "required": ["expression", "store_id"], "additionalProperties": false, "properties": {
    "expression": {"type": "string"}, "store_id": {"type": "integer"}}},
  "Explanation": {"type": "object", "properties": {"clause": {"type": "string"}, "met": {"type": "boolean"}, "observed": {"type": "string"},
    "children": {"type": "array", "items": {"$ref": "#/components/schemas/Explanation"}}}},
  "TargetingExplanation": {"type": "object", "properties": {"store": {"$ref": "#/components/schemas/StoreBrief"}, "expression": {"type": "string"},
    "member": {"type": "boolean"}, "explanation": {"$ref": "#/components/schemas/Explanation"}}},
  "Segment": {"type": "object", "properties": {"id": {"type": "integer"}, "version": {"type": "integer"}, "seq": {"type": "integer"},
    "created_at": {"type": "string", "format": "date-time"}, "updated_at": {"type": "string", "format": "date-time"},
    "name": {"type": "string"}, "description": {"type": "string"}, "expression": {"type": "string"}, "dynamic": {"type": "boolean"},
    "member_count": {"type": "integer"}, "refreshed_at": {"type": ["string", "null"], "format": "date-time"}, "created_by": {"type": ["integer", "null"]}}},
  "SegmentCreate": {"type": "object", "required": ["name", "expression"], "additionalProperties": false, "properties": {
    "name": {"type": "string", "maxLength": 120}, "description": {"type": "string"}, "expression": {"type": "string"},
    "dynamic": {"type": "boolean", "description": "refreshed when its data changes and on a schedule (default true)"}}},
  "SegmentPatch": {"type": "object", "additionalProperties": false, "properties": {
    "name": {"type": "string"}, "description": {"type": "string"}, "expression": {"type": "string"}, "dynamic": {"type": "boolean"}, "version": {"type": "integer"}}},
  "SegmentList": {"$ref": "#/components/schemas/List"},
  "SegmentRefresh": {"type": "object", "properties": {"segment": {"$ref": "#/components/schemas/Segment"},
    "joined": {"type": "integer"}, "left": {"type": "integer"}, "members": {"type": "integer"}}},
  "SegmentMembers": {"type": "object", "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/StoreBrief"}}, "next_cursor": {"type": ["string", "null"]}}},
  "SegmentHistory": {"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object", "properties": {
    "id": {"type": "integer"}, "segment_id": {"type": "integer"}, "store_id": {"type": "integer"}, "change": {"enum": ["joined", "left"]},
    "at": {"type": "string", "format": "date-time"}}}}, "next_cursor": {"type": ["string", "null"]}}},
  "FeatureCollection": {"type": "object", "description": "RFC 7946 GeoJSON: one Point feature per member, properties as StoreBrief", "properties": {
    "type": {"const": "FeatureCollection"}, "name": {"type": "string"}, "features": {"type": "array"}}},
  "KpiValue": {"type": "object", "properties": {"kpi": {"enum": ["dn", "dv", "coverage", "blank_visit_rate", "strike_rate", "plan_adherence", "time_in_store_share", "share_of_shelf", "oos_rate"]},
    "value": {"type": ["number", "null"], "description": "percent; null when undefined (nothing to count)"}, "unit": {"const": "percent"},
    "numerator": {"type": "number"}, "denominator": {"type": "number"}, "numerator_unit": {"type": "string"}, "denominator_unit": {"type": "string"}}},
  "KpiHead": {"type": "object", "properties": {"universe": {"type": "object", "properties": {"spec": {"type": "string"}, "stores": {"type": "integer"}, "reps": {"type": "integer"}}},
    "from": {"type": "string", "format": "date"}, "to": {"type": "string", "format": "date"}, "range": {"type": ["string", "null"]},
    "product_id": {"type": ["integer", "null"]}, "as_of": {"type": "string", "format": "date-time"}}},
  "KpiValues": {"allOf": [{"$ref": "#/components/schemas/KpiHead"}, {"type": "object", "properties": {
    "kpis": {"type": "array", "items": {"$ref": "#/components/schemas/KpiValue"}}}}]},
  "KpiSeries": {"allOf": [{"$ref": "#/components/schemas/KpiHead"}, {"type": "object", "properties": {
    "weeks": {"type": "array", "items": {"type": "string", "format": "date"}, "description": "Mondays"},
    "series": {"type": "array", "items": {"type": "object", "properties": {"kpi": {"type": "string"}, "unit": {"const": "percent"},
      "numerator_unit": {"type": "string"}, "denominator_unit": {"type": "string"},
      "values": {"type": "array", "items": {"type": ["number", "null"]}}, "numerators": {"type": "array"}, "denominators": {"type": "array"}}}}}}]},
  "VisitTemplate": {"type": "object", "additionalProperties": false, "properties": {
    "audits": {"type": "array", "maxItems": 50, "items": {"type": "object", "description": "{range} or {product_id}", "properties": {"range": {"type": "string"}, "product_id": {"type": "integer"}}}},
    "fields": {"type": "array", "maxItems": 50, "items": {"type": "object", "required": ["key", "label", "type"], "properties": {
      "key": {"type": "string", "pattern": "^[a-z0-9_]{1,40}$"}, "label": {"type": "string"}, "type": {"enum": ["number", "text", "boolean", "choice"]},
      "choices": {"type": "array", "items": {"type": "string"}}}}},
    "actions": {"type": "array", "maxItems": 50, "items": {"type": "string"}}}},
  "CampaignObjective": {"type": "object", "properties": {"kpi": {"type": "string"}, "range": {"type": ["string", "null"]},
    "product_id": {"type": ["integer", "null"]}, "baseline": {"type": ["number", "null"], "description": "percent; measured at creation when not given"},
    "goal": {"type": "number", "description": "percent to reach by end_date"}}},
  "Campaign": {"type": "object", "properties": {"id": {"type": "integer"}, "version": {"type": "integer"}, "seq": {"type": "integer"},
    "created_at": {"type": "string", "format": "date-time"}, "updated_at": {"type": "string", "format": "date-time"},
    "name": {"type": "string"}, "description": {"type": "string"}, "segment_id": {"type": "integer"}, "status": {"enum": ["draft", "active", "ended"]},
    "objective": {"$ref": "#/components/schemas/CampaignObjective"}, "start_date": {"type": "string", "format": "date"}, "end_date": {"type": "string", "format": "date"},
    "visit_value_eur": {"type": "number"}, "control_share": {"type": "number"}, "seed": {"type": "integer"},
    "visit_template": {"$ref": "#/components/schemas/VisitTemplate"}}},
  "CampaignCreate": {"type": "object", "required": ["name", "segment_id", "objective", "start_date", "end_date"], "additionalProperties": false, "properties": {
    "name": {"type": "string"}, "description": {"type": "string"}, "segment_id": {"type": "integer"},
    "objective": {"type": "object", "required": ["kpi", "goal"], "properties": {"kpi": {"type": "string"}, "range": {"type": "string"}, "product_id": {"type": "integer"},
      "baseline": {"type": "number", "minimum": 0, "maximum": 100}, "goal": {"type": "number", "minimum": 0, "maximum": 100}}},
    "start_date": {"type": "string", "format": "date"}, "end_date": {"type": "string", "format": "date"},
    "visit_value_eur": {"type": "number", "minimum": 0, "maximum": 10000, "description": "added to the plan prize of a member store due a visit"},
    "control_share": {"type": "number", "minimum": 0, "maximum": 0.5, "description": "share of members held back as a control group"},
    "seed": {"type": "integer", "minimum": 0}, "status": {"enum": ["draft", "active", "ended"]},
    "visit_template": {"$ref": "#/components/schemas/VisitTemplate"}}},
  "CampaignPatch": {"type": "object", "additionalProperties": false, "properties": {
    "name": {"type": "string"}, "description": {"type": "string"}, "objective": {"type": "object", "properties": {"goal": {"type": "number"}}},
    "end_date": {"type": "string", "format": "date"}, "visit_value_eur": {"type": "number"},
    "control_share": {"type": "number", "description": "only while draft"}, "seed": {"type": "integer", "description": "only while draft"},
    "status": {"enum": ["draft", "active", "ended"]}, "visit_template": {"$ref": "#/components/schemas/VisitTemplate"}, "version": {"type": "integer"}}},
  "CampaignList": {"$ref": "#/components/schemas/List"},
  "CampaignProgress": {"type": "object", "properties": {"campaign": {"$ref": "#/components/schemas/Campaign"}, "kpi": {"type": "string"},
    "unit": {"const": "percent"}, "weeks": {"type": "array", "items": {"type": "string", "format": "date"}},
    "treated": {"type": "array", "items": {"type": ["number", "null"]}}, "control": {"type": "array", "items": {"type": ["number", "null"]}},
    "goal_line": {"type": "array", "items": {"type": ["number", "null"]}},
    "summary": {"type": "object", "properties": {"treated": {"type": ["number", "null"]}, "control": {"type": ["number", "null"]},
      "baseline": {"type": ["number", "null"]}, "goal": {"type": "number"}, "effect": {"type": ["number", "null"]},
      "effect_vs_start": {"type": ["number", "null"]}, "goal_reached": {"type": "boolean"},
      "stores_treated": {"type": "integer"}, "stores_control": {"type": "integer"}}}}},
  "CampaignMembers": {"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object", "properties": {
    "store_id": {"type": "integer"}, "since": {"type": "string", "format": "date-time"}, "group": {"enum": ["treated", "control"]}}}},
    "next_cursor": {"type": ["string", "null"]}}},
  "List": {"type": "object", "properties": {"items": {"type": "array"}, "next_cursor": {"type": ["string", "null"]}}},
  "Health": {"type": "object", "properties": {"status": {"type": "string"}, "database": {"type": "string"},
    "last_seq": {"type": "integer"}, "schema_version": {"type": "integer"}}},
  "PlanCreate": {"type": "object", "required": ["start_date", "days"], "additionalProperties": false,
    "description": "rep_id is required for managers and admins; a rep plans for themself.", "properties": {
    "rep_id": {"type": "integer"}, "start_date": {"type": "string", "format": "date"},
    "days": {"type": "integer", "minimum": 1, "maximum": 14},
    "seed": {"type": "integer", "minimum": 0, "description": "same input and seed, same plan (default 1)"},
    "time_limit_seconds": {"type": "number", "minimum": 0.1, "description": "at most the server's cap (5 s by default)"},
    "locked": {"type": "array", "maxItems": 100, "items": {"type": "object", "required": ["store_id", "date"],
      "additionalProperties": false, "properties": {"store_id": {"type": "integer"}, "date": {"type": "string", "format": "date"}}}},
    "priorities": {"type": "array", "maxItems": 2000, "description": "When present, the stores to plan (each once) with the value and reason of visiting them, instead of the built-in prizes and frequency rules; appointments and locks are kept.",
      "items": {"type": "object", "required": ["store_id", "value_eur", "why"], "additionalProperties": false, "properties": {
        "store_id": {"type": "integer", "description": "a store of the rep's territory, once"},
        "value_eur": {"type": "number", "minimum": 0, "maximum": 1000000},
        "why": {"type": "string", "minLength": 1, "maxLength": 200},
        "type": {"enum": ["deep", "quick"], "description": "default: by the store's channel"},
        "duration_minutes": {"type": "integer", "minimum": 5, "maximum": 480, "description": "default: by the store's channel"}}}}}},
  "PlanReplan": {"type": "object", "required": ["date", "now", "location"], "additionalProperties": false,
    "description": "Re-plans the rest of one day; version unless If-Match is sent. Store ids name stops of that day (done, cancelled) or stores of the plan (urgent).", "properties": {
    "version": {"type": "integer"}, "date": {"type": "string", "format": "date"}, "now": {"type": "string", "format": "date-time"},
    "location": {"type": "object", "required": ["lat", "lon"], "additionalProperties": false,
      "properties": {"lat": {"type": "number", "minimum": -90, "maximum": 90}, "lon": {"type": "number", "minimum": -180, "maximum": 180}}},
    "lunch_taken": {"type": "boolean", "description": "the rep already had lunch today"},
    "done": {"type": "array", "maxItems": 200, "items": {"type": "integer"}},
    "cancelled": {"type": "array", "maxItems": 200, "items": {"type": "integer"}},
    "urgent": {"type": "array", "maxItems": 200, "items": {"type": "integer"}}}},
  "PlanObjective": {"type": "object", "properties": {"visits": {"type": "integer"}, "distance_km": {"type": "number"},
    "drive_hours": {"type": "number"}, "nights_away": {"type": "integer"}, "value_eur": {"type": "number"},
    "prizes_eur": {"type": "number"}, "travel_cost_eur": {"type": "number"}, "hotel_cost_eur": {"type": "number"},
    "penalties_eur": {"type": "number"}, "mandatory_planned": {"type": "integer"}, "mandatory_total": {"type": "integer"}}},
  "PlanParams": {"type": "object", "properties": {"cost_per_km_eur": {"type": "number"}, "cost_per_driving_hour_eur": {"type": "number"},
    "hotel_per_night_eur": {"type": "number"}, "mix_penalty_eur": {"type": "number"}, "hotel_min_distance_km": {"type": "number"},
    "time_limit_seconds": {"type": "number"}, "max_iterations": {"type": "integer"}}},
  "PlanStop": {"type": "object", "properties": {"position": {"type": "integer"}, "store_id": {"type": "integer"},
    "store_name": {"type": ["string", "null"]}, "kind": {"enum": ["optional", "mandatory", "appointment"]},
    "type": {"enum": ["deep", "quick"]}, "arrival": {"type": "string", "format": "date-time"},
    "start": {"type": "string", "format": "date-time"}, "end": {"type": "string", "format": "date-time"},
    "why": {"type": "string"}, "todo": {"type": "string"}, "prize_eur": {"type": "number"}, "locked": {"type": "boolean"},
    "done": {"type": "boolean"}, "visit_id": {"type": ["integer", "null"], "description": "the planned visit, once published"}}},
  "PlanDay": {"type": "object", "description": "Times are RFC 3339 with the plan time zone's offset; a day without visits has nulls.", "properties": {
    "date": {"type": "string", "format": "date"}, "stops": {"type": "array", "items": {"$ref": "#/components/schemas/PlanStop"}},
    "depart": {"type": ["string", "null"], "format": "date-time"}, "back": {"type": ["string", "null"], "format": "date-time"},
    "start_from": {"enum": ["home", "hotel", null]}, "night": {"enum": ["home", "hotel", null]},
    "lunch": {"type": ["object", "null"], "properties": {"start": {"type": "string"}, "end": {"type": "string"}, "after_stops": {"type": "integer"}}},
    "distance_km": {"type": "number"}, "drive_minutes": {"type": "integer"}, "work_minutes": {"type": "integer"}}},
  "PlanSummary": {"type": "object", "properties": {
    "id": {"type": "integer"}, "version": {"type": "integer"}, "seq": {"type": "integer"},
    "created_at": {"type": "string", "format": "date-time"}, "updated_at": {"type": "string", "format": "date-time"},
    "rep_id": {"type": "integer"}, "status": {"enum": ["draft", "published", "superseded"]},
    "start_date": {"type": "string", "format": "date"}, "end_date": {"type": "string", "format": "date"},
    "day_count": {"type": "integer"}, "seed": {"type": "integer"}, "timezone": {"type": "string"},
    "published_at": {"type": ["string", "null"], "format": "date-time"},
    "objective": {"$ref": "#/components/schemas/PlanObjective"}, "params": {"$ref": "#/components/schemas/PlanParams"}}},
  "Plan": {"type": "object", "description": "A PlanSummary with its days, nights and unplanned stores.", "properties": {
    "id": {"type": "integer"}, "version": {"type": "integer"}, "seq": {"type": "integer"},
    "created_at": {"type": "string", "format": "date-time"}, "updated_at": {"type": "string", "format": "date-time"},
    "rep_id": {"type": "integer"}, "status": {"enum": ["draft", "published", "superseded"]},
    "start_date": {"type": "string", "format": "date"}, "end_date": {"type": "string", "format": "date"},
    "day_count": {"type": "integer"}, "seed": {"type": "integer"}, "timezone": {"type": "string"},
    "published_at": {"type": ["string", "null"], "format": "date-time"},
    "objective": {"$ref": "#/components/schemas/PlanObjective"}, "params": {"$ref": "#/components/schemas/PlanParams"},
    "days": {"type": "array", "items": {"$ref": "#/components/schemas/PlanDay"}},
    "nights": {"type": "array", "items": {"type": "object", "properties": {"date": {"type": "string", "format": "date"},
      "near_store_id": {"type": "integer"}, "store_name": {"type": ["string", "null"]}, "cost_eur": {"type": "number"}}}},
    "unplanned": {"type": "array", "items": {"type": "object", "properties": {"store_id": {"type": "integer"},
      "store_name": {"type": ["string", "null"]}, "reason": {"enum": ["closed", "unreachable", "frequency", "no_time_left", "not_worth_detour", "locked_elsewhere", "cancelled"]},
      "explanation": {"type": "string"}, "why": {"type": "string"}, "kind": {"enum": ["optional", "mandatory", "appointment"]}}}}}},
  "PlanList": {"type": "object", "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/PlanSummary"}},
    "next_cursor": {"type": ["string", "null"]}}},
  "CalendarKey": {"type": "object", "properties": {"rep_id": {"type": "integer"},
    "key": {"type": "string", "description": "shown once; only its hash is stored"},
    "url": {"type": "string", "description": "the feed, relative to this server: /api/v1/calendar/{rep_id}.ics?key=…"},
    "created_at": {"type": "string", "format": "date-time"}}}
})JSON";

std::string method_key(Method m) {
  std::string s(to_string(m));
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

json::object ref(const std::string& schema) {
  return {{"$ref", "#/components/schemas/" + schema}};
}

}  // namespace

std::string openapi_document(const Router& router) {
  json::object paths;
  for (const auto& route : router.routes()) {
    json::object op;
    op["summary"] = route.summary;
    op["tags"] = json::array{json::string(route.tag)};
    op["operationId"] = method_key(route.method) + route.pattern;
    json::array params;
    std::size_t pos = 0;
    while ((pos = route.pattern.find('{', pos)) != std::string::npos) {
      auto end = route.pattern.find('}', pos);
      const std::string name = route.pattern.substr(pos + 1, end - pos - 1);
      json::object schema{{"type", "integer"}, {"minimum", 1}};
      if (name == "sha256") schema = {{"type", "string"}, {"pattern", "^[0-9a-f]{64}$"}};
      params.push_back(json::object{{"name", name},
                                    {"in", "path"},
                                    {"required", true},
                                    {"schema", std::move(schema)}});
      pos = end;
    }
    for (const auto& q : route.query) {
      params.push_back(json::object{{"name", q},
                                    {"in", "query"},
                                    {"required", false},
                                    {"schema", {{"type", q == "channel" || q == "status" || q == "cursor" ||
                                                                 q == "key" || q == "universe" ||
                                                                 q == "where" || q == "from" ||
                                                                 q == "to" || q == "range" ||
                                                                 q == "kpis"
                                                             ? "string"
                                                             : "integer"}}}});
    }
    if (!params.empty()) op["parameters"] = std::move(params);
    if (route.body == Body::json) {
      op["requestBody"] = {
          {"required", true},
          {"content", {{"application/json", {{"schema", ref(route.request_schema)}}}}}};
    } else if (route.body == Body::bytes) {
      op["requestBody"] = {
          {"required", true},
          {"content", {{"application/octet-stream", {{"schema", {{"type", "string"}, {"format", "binary"}}}}}}}};
    } else if (route.body == Body::csv) {
      op["requestBody"] = {{"required", true},
                           {"content", {{"text/csv", {{"schema", {{"type", "string"}}}}}}}};
    }
    json::object responses;
    const int ok = route.response_schema.empty() && route.method == Method::del ? 204
                   : route.method == Method::post && route.tag != "auth" &&
                           route.tag != "imports" && !route.pattern.starts_with("/api/v1/targeting/") &&
                           route.pattern.find('{') == std::string::npos
                       ? 201
                       : 200;
    json::object success{{"description", "success"}};
    if (!route.response_schema.empty()) {
      success["content"] = {{"application/json", {{"schema", ref(route.response_schema)}}}};
    } else if (route.pattern.ends_with(".ics")) {
      success["content"] = {{"text/calendar", {{"schema", {{"type", "string"}}}}}};
    }
    responses[std::to_string(ok)] = std::move(success);
    responses["default"] = {
        {"description", "an error"},
        {"content", {{"application/problem+json", {{"schema", ref("Problem")}}}}}};
    op["responses"] = std::move(responses);
    if (route.access.public_route) {
      op["security"] = json::array{};
    } else {
      json::array roles;
      for (auto r : {core::Role::admin, core::Role::manager, core::Role::rep}) {
        if (route.access.allows(r)) roles.push_back(json::string(core::to_string(r)));
      }
      op["x-roles"] = std::move(roles);
    }
    auto& item = paths[route.pattern];
    if (!item.is_object()) item.emplace_object();
    item.as_object()[method_key(route.method)] = std::move(op);
  }
  json::object doc;
  doc["openapi"] = "3.1.0";
  doc["info"] = {{"title", "Boucle API"},
                 {"version", "1"},
                 {"description", "Field-sales execution: stores, visits, audits, orders, sync."}};
  doc["paths"] = std::move(paths);
  doc["components"] = {
      {"schemas", json::parse(SCHEMAS)},
      {"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}}};
  doc["security"] = json::array{json::object{{"bearer", json::array{}}}};
  return json::serialize(doc);
}

}  // namespace boucle::api
