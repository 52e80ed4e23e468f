package web_test

import (
	"archive/zip"
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"outreach/internal/outreach"
	"outreach/internal/planfile"
	"outreach/internal/store"
	"outreach/internal/store/storetest"
)

// The permission matrix: every write of the browser (every POST of
// routes.go) and of the API (every POST, PUT and DELETE under /api/v1),
// for every role and for an anonymous caller, with a request that
// succeeds for a role that may make it. A refused request must change
// nothing: the content of every mutable table and the audit log are
// compared before and after it. An allowed one must change something.
//
// Columns, in this order:
//
//	anon     no session, no token
//	viewer   reads everything, writes nothing
//	commune  unit reporter of Phường Đức Xuân (01840), which absorbed
//	         Nguyễn Thị Minh Khai (01834)
//	union    agency reporter of the women's union (bk-hlhpn): another agency
//	police   agency reporter of the provincial police (bk-ca): the owner
//	coord    coordinator
//	admin    administrator
//
// A cell is the expected status:
//
//	L     anonymous browser request: 303 to /login?next=…
//	401   anonymous API request
//	2xx, 303 (web) allowed: the write happened
//	403   refused: the actor may read the record (or no record is
//	      involved) but may not make this change
//	404   refused: the store hides the record from the actor, who may not
//	      even read it (another agency's draft report, another agency's
//	      model or distribution when the handler reads it first)
//	422   refused by the import check: the rows the actor may not write
//	      are listed as problems (upload of an import file)
//	303x  refused with a redirect: an import token that is not the
//	      actor's ("the import expired"); nothing is written
//
// Fixtures: a police activity in Na Rì district (066, outside the
// commune's subtree) or in Nguyễn Thị Minh Khai, a police model and a police distribution in
// Nguyễn Thị Minh Khai (01834, inside it), the union's 2019 report as a
// draft, submitted or accepted. Records a cell may change are made fresh
// for it through the store.
var permColumns = []string{"", "viewer", "commune", "union", "police", "coord", "admin"}

type permRow struct {
	route  string // the pattern as routes.go or the API registers it
	what   string
	expect string // one status per column, see above
	// keep: even an allowed request writes nothing (an upload that only
	// previews an import).
	keep bool
	prep func(f *permFixtures, role string) permReq
}

type permReq struct {
	method, path string
	form         url.Values        // browser form
	fields       map[string]string // browser multipart fields, with file
	file         *permFile
	json         string // API body
}

type permFile struct {
	name string
	data []byte
}

// permExempt are writes outside the matrix, with where they are tested.
var permExempt = map[string]string{
	"POST /login":  "authentication, not a permission: TestSecuritySessionRotation, TestSecurityLoginThrottle",
	"POST /logout": "ends one's own session: TestSecuritySessionRotation",
}

const permPlan = "bk-1368-2017"

func permRows() []permRow {
	web := func(path string, form url.Values) permReq { return permReq{method: "POST", path: path, form: form} }
	api := func(method, path, body string) permReq { return permReq{method: method, path: path, json: body} }
	keyArea := url.Values{"unit": {"01903"}, "year": {"2019"}, "reasons": {"high_risk"}, "note": {"Giáp biên giới"}}
	return []permRow{
		// Plans.
		{route: "POST /plans/{code}/key-areas", what: "mark Cao Trĩ a key area", expect: "L 403 403 403 403 303 303",
			prep: func(f *permFixtures, _ string) permReq {
				f.keyArea(false)
				return web("/plans/"+permPlan+"/key-areas", keyArea)
			}},
		{route: "POST /plans/{code}/key-areas/remove", what: "unmark a key area", expect: "L 403 403 403 403 303 303",
			prep: func(f *permFixtures, _ string) permReq {
				f.keyArea(true)
				return web("/plans/"+permPlan+"/key-areas/remove", url.Values{"unit": {"01903"}, "year": {"2019"}})
			}},
		{route: "POST /api/v1/plans", what: "re-import the plan, changed", expect: "401 403 403 403 403 200 200",
			prep: func(f *permFixtures, _ string) permReq { return api("POST", "/api/v1/plans", f.planFile()) }},
		{route: "POST /api/v1/plans/{code}/key-areas", what: "mark Cao Trĩ a key area", expect: "401 403 403 403 403 200 200",
			prep: func(f *permFixtures, _ string) permReq {
				f.keyArea(false)
				return api("POST", "/api/v1/plans/"+permPlan+"/key-areas", `{"unit":"01903","year":2019,"reasons":["high_risk"]}`)
			}},
		{route: "POST /agencies/{code}/contact", what: "set the police's focal point", expect: "L 403 403 403 303 303 303",
			prep: func(f *permFixtures, _ string) permReq {
				return web("/agencies/bk-ca/contact", url.Values{"name": {f.unique("Đội PC02")}, "email": {"pc02@backan.gov.vn"}})
			}},
		{route: "PUT /api/v1/agencies/{code}/contact", what: "set the police's focal point", expect: "401 403 403 403 200 200 200",
			prep: func(f *permFixtures, _ string) permReq {
				return api("PUT", "/api/v1/agencies/bk-ca/contact", fmt.Sprintf(`{"name":%q}`, f.unique("Đội PC02")))
			}},
		{route: "POST /agencies/{owner}/{code}/contact", what: "set the police's focal point", expect: "L 403 403 403 303 303 303",
			prep: func(f *permFixtures, _ string) permReq {
				return web("/agencies/06/bk-ca/contact", url.Values{"name": {f.unique("Đội PC02")}, "email": {"pc02@backan.gov.vn"}})
			}},
		{route: "PUT /api/v1/agencies/{owner}/{code}/contact", what: "set the police's focal point", expect: "401 403 403 403 200 200 200",
			prep: func(f *permFixtures, _ string) permReq {
				return api("PUT", "/api/v1/agencies/06/bk-ca/contact", fmt.Sprintf(`{"name":%q}`, f.unique("Đội PC02")))
			}},

		// Activities.
		{route: "POST /activities", what: "record a police activity in Na Rì", expect: "L 403 403 403 303 303 303",
			prep: func(f *permFixtures, _ string) permReq { return web("/activities", f.activityForm()) }},
		{route: "POST /activities/{id}", what: "edit the police activity", expect: "L 403 403 403 303 303 303",
			prep: func(f *permFixtures, _ string) permReq {
				return web(fmt.Sprintf("/activities/%d", f.activity(false)), f.activityForm())
			}},
		{route: "POST /activities", what: "record a police activity in Nguyễn Thị Minh Khai", expect: "L 403 303 403 303 303 303",
			prep: func(f *permFixtures, _ string) permReq { return web("/activities", f.activityFormIn("01834", "")) }},
		{route: "POST /activities", what: "record a police activity in Nguyễn Thị Minh Khai with its cost", expect: "L 403 422 403 303 303 303",
			prep: func(f *permFixtures, _ string) permReq {
				return web("/activities", f.activityFormIn("01834", "5.000.000"))
			}},
		{route: "POST /activities/{id}", what: "retitle the police activity in Nguyễn Thị Minh Khai", expect: "L 403 303 403 303 303 303",
			prep: func(f *permFixtures, _ string) permReq {
				return web(fmt.Sprintf("/activities/%d", f.activityIn("01834")), f.activityFormIn("01834", ""))
			}},
		{route: "POST /activities/{id}", what: "change the cost of the police activity in Nguyễn Thị Minh Khai", expect: "L 403 422 403 303 303 303",
			prep: func(f *permFixtures, _ string) permReq {
				return web(fmt.Sprintf("/activities/%d", f.activityIn("01834")), f.activityFormIn("01834", "5.000.000"))
			}},
		{route: "POST /activities/{id}/delete", what: "delete the police activity", expect: "L 403 403 403 303 303 303",
			prep: func(f *permFixtures, _ string) permReq {
				return web(fmt.Sprintf("/activities/%d/delete", f.activity(false)), nil)
			}},
		{route: "POST /activities/{id}/restore", what: "restore the deleted police activity", expect: "L 403 403 403 403 303 303",
			prep: func(f *permFixtures, _ string) permReq {
				return web(fmt.Sprintf("/activities/%d/restore", f.activity(true)), nil)
			}},
		{route: "POST /activities/{id}/evidence", what: "attach a photo to the police activity", expect: "L 403 403 403 303 303 303",
			prep: func(f *permFixtures, _ string) permReq {
				return permReq{method: "POST", path: fmt.Sprintf("/activities/%d/evidence", f.activity(false)), file: f.png()}
			}},
		{route: "POST /evidence/{id}/delete", what: "remove the police activity's photo", expect: "L 403 403 403 303 303 303",
			prep: func(f *permFixtures, _ string) permReq {
				return web(fmt.Sprintf("/evidence/%d/delete", f.evidence()), url.Values{"back": {"/activities"}})
			}},
		{route: "POST /quantity-kinds", what: "extend the quantity vocabulary", expect: "L 403 403 403 403 303 303",
			prep: func(f *permFixtures, _ string) permReq {
				return web("/quantity-kinds", url.Values{"code": {f.unique("kind")}, "name": {"Loại mới"}, "unit": {"cái"}})
			}},
		{route: "POST /activities/import", what: "upload a police file (preview only)", expect: "L 403 422 200 200 200 200", keep: true,
			prep: func(f *permFixtures, _ string) permReq {
				return permReq{method: "POST", path: "/activities/import", fields: map[string]string{"plan": permPlan, "agency": "bk-ca"}, file: f.activityFile()}
			}},
		{route: "POST /activities/import", what: "upload a police file in Nguyễn Thị Minh Khai (preview only)", expect: "L 403 200 422 200 200 200", keep: true,
			prep: func(f *permFixtures, _ string) permReq {
				return permReq{method: "POST", path: "/activities/import", fields: map[string]string{"plan": permPlan}, file: f.activityFileIn("01834", "")}
			}},
		{route: "POST /activities/import", what: "upload a police file in Nguyễn Thị Minh Khai with its cost (preview only)", expect: "L 403 422 422 200 200 200", keep: true,
			prep: func(f *permFixtures, _ string) permReq {
				return permReq{method: "POST", path: "/activities/import", fields: map[string]string{"plan": permPlan}, file: f.activityFileIn("01834", "5.000.000")}
			}},
		{route: "POST /activities/import/confirm", what: "confirm one's upload (others: the police's token)", expect: "L 303x 303x 303 303 303 303",
			prep: func(f *permFixtures, role string) permReq {
				return web("/activities/import/confirm", url.Values{"plan": {permPlan}, "token": {f.importToken(role, "activities")}})
			}},
		{route: "POST /api/v1/activities", what: "record a police activity in Na Rì", expect: "401 403 403 403 201 201 201",
			prep: func(f *permFixtures, _ string) permReq { return api("POST", "/api/v1/activities", f.activityJSON()) }},
		{route: "POST /api/v1/activities", what: "record a police activity in Nguyễn Thị Minh Khai", expect: "401 403 201 403 201 201 201",
			prep: func(f *permFixtures, _ string) permReq {
				return api("POST", "/api/v1/activities", f.activityJSONIn("01834", 0))
			}},
		{route: "POST /api/v1/activities", what: "record a police activity in Nguyễn Thị Minh Khai with its cost", expect: "401 403 403 403 201 201 201",
			prep: func(f *permFixtures, _ string) permReq {
				return api("POST", "/api/v1/activities", f.activityJSONIn("01834", 5000000))
			}},
		{route: "PUT /api/v1/activities/{id}", what: "edit the police activity", expect: "401 403 403 403 200 200 200",
			prep: func(f *permFixtures, _ string) permReq {
				return api("PUT", fmt.Sprintf("/api/v1/activities/%d", f.activity(false)), f.activityJSON())
			}},
		{route: "PUT /api/v1/activities/{id}", what: "change the cost of the police activity in Nguyễn Thị Minh Khai", expect: "401 403 403 403 200 200 200",
			prep: func(f *permFixtures, _ string) permReq {
				a := f.activityValue()
				a.Units, a.StartDate, a.Cost, a.FundingSource = []string{"01834"}, "2018-04-02", 5000000, "ngan-sach"
				b, _ := json.Marshal(a)
				return api("PUT", fmt.Sprintf("/api/v1/activities/%d", f.activityIn("01834")), string(b))
			}},
		{route: "DELETE /api/v1/activities/{id}", what: "delete the police activity in Nguyễn Thị Minh Khai", expect: "401 403 204 403 204 204 204",
			prep: func(f *permFixtures, _ string) permReq {
				return api("DELETE", fmt.Sprintf("/api/v1/activities/%d", f.activityIn("01834")), "")
			}},
		{route: "DELETE /api/v1/activities/{id}", what: "delete the police activity", expect: "401 403 403 403 204 204 204",
			prep: func(f *permFixtures, _ string) permReq {
				return api("DELETE", fmt.Sprintf("/api/v1/activities/%d", f.activity(false)), "")
			}},
		{route: "POST /api/v1/activities/{id}/restore", what: "restore the deleted police activity", expect: "401 403 403 403 403 200 200",
			prep: func(f *permFixtures, _ string) permReq {
				return api("POST", fmt.Sprintf("/api/v1/activities/%d/restore", f.activity(true)), "")
			}},
		{route: "POST /api/v1/quantity-kinds", what: "extend the quantity vocabulary", expect: "401 403 403 403 403 201 201",
			prep: func(f *permFixtures, _ string) permReq {
				return api("POST", "/api/v1/quantity-kinds", fmt.Sprintf(`{"code":%q,"name":"Loại mới"}`, f.unique("kind")))
			}},

		// Materials and distributions.
		{route: "POST /materials", what: "catalogue a police leaflet", expect: "L 403 403 403 303 303 303",
			prep: func(f *permFixtures, _ string) permReq {
				return web("/materials", url.Values{"plan": {permPlan}, "title": {f.unique("Tờ gấp")}, "type": {"leaflet"}, "agency": {"bk-ca"}, "year": {"2018"}, "copies": {"100"}})
			}},
		{route: "POST /distributions", what: "send the police leaflet to Nguyễn Thị Minh Khai", expect: "L 403 403 403 303 303 303",
			prep: func(f *permFixtures, _ string) permReq {
				return web("/distributions", url.Values{"plan": {permPlan}, "material": {fmt.Sprint(f.material)}, "from_agency": {"bk-ca"},
					"date": {"2018-03-01"}, "quantity": {"10"}, "units": {"01834"}, "notes": {f.unique("gửi")}})
			}},
		{route: "POST /distributions/{id}/confirm", what: "confirm receipt in Nguyễn Thị Minh Khai", expect: "L 403 303 404 403 303 303",
			prep: func(f *permFixtures, _ string) permReq {
				return web(fmt.Sprintf("/distributions/%d/confirm", f.distribution()),
					url.Values{"unit": {"01834"}, "received_on": {"2018-03-10"}, "deployed_on": {"2018-04-02"}, "how": {"village_meeting"}})
			}},
		{route: "POST /distributions/{id}/delete", what: "delete the police distribution", expect: "L 403 403 403 303 303 303",
			prep: func(f *permFixtures, _ string) permReq {
				return web(fmt.Sprintf("/distributions/%d/delete", f.distribution()), nil)
			}},
		{route: "POST /distributions/import", what: "upload a police file (preview only)", expect: "L 403 403 422 200 200 200", keep: true,
			prep: func(f *permFixtures, _ string) permReq {
				return permReq{method: "POST", path: "/distributions/import", fields: map[string]string{"plan": permPlan}, file: f.distributionFile()}
			}},
		{route: "POST /distributions/import/confirm", what: "confirm one's upload (others: the police's token)", expect: "L 303x 303x 303x 303 303 303",
			prep: func(f *permFixtures, role string) permReq {
				return web("/distributions/import/confirm", url.Values{"plan": {permPlan}, "token": {f.importToken(role, "distributions")}})
			}},
		{route: "POST /api/v1/materials", what: "catalogue a police leaflet", expect: "401 403 403 403 201 201 201",
			prep: func(f *permFixtures, _ string) permReq {
				return api("POST", "/api/v1/materials", fmt.Sprintf(`{"plan":%q,"type":"leaflet","title":%q,"agency":"bk-ca","year":2018,"copies":100}`, permPlan, f.unique("Tờ gấp")))
			}},
		{route: "POST /api/v1/distributions", what: "send the police leaflet to Nguyễn Thị Minh Khai", expect: "401 403 403 403 201 201 201",
			prep: func(f *permFixtures, _ string) permReq {
				return api("POST", "/api/v1/distributions", fmt.Sprintf(`{"material":%d,"from_agency":"bk-ca","date":"2018-03-01","notes":%q,"deliveries":[{"unit":"01834","quantity":10}]}`, f.material, f.unique("gửi")))
			}},
		{route: "DELETE /api/v1/distributions/{id}", what: "delete the police distribution", expect: "401 403 403 403 204 204 204",
			prep: func(f *permFixtures, _ string) permReq {
				return api("DELETE", fmt.Sprintf("/api/v1/distributions/%d", f.distribution()), "")
			}},
		{route: "PUT /api/v1/distributions/{id}/confirmations/{unit}", what: "confirm receipt in Nguyễn Thị Minh Khai", expect: "401 403 200 403 403 200 200",
			prep: func(f *permFixtures, _ string) permReq {
				return api("PUT", fmt.Sprintf("/api/v1/distributions/%d/confirmations/01834", f.distribution()), `{"received_on":"2018-03-10","deployed_on":"2018-04-02","how":["loudspeaker"]}`)
			}},

		// Models and budget.
		{route: "POST /models", what: "register a police model in Nguyễn Thị Minh Khai", expect: "L 403 303 403 303 303 303",
			prep: func(f *permFixtures, _ string) permReq {
				return web("/models", url.Values{"plan": {permPlan}, "name": {f.unique("CLB")}, "unit": {"01834"}, "agency": {"bk-ca"}, "established_on": {"2018-06-01"}})
			}},
		{route: "POST /models/{id}", what: "change the police model's status", expect: "L 403 303 404 303 303 303",
			prep: func(f *permFixtures, _ string) permReq {
				return web(fmt.Sprintf("/models/%d", f.model()), url.Values{"status": {"inactive"}, "status_since": {"2019-09-01"}})
			}},
		{route: "POST /models/{id}/delete", what: "delete the police model", expect: "L 403 303 403 303 303 303",
			prep: func(f *permFixtures, _ string) permReq { return web(fmt.Sprintf("/models/%d/delete", f.model()), nil) }},
		{route: "POST /models/{id}/evidence", what: "attach a photo to the police model", expect: "L 403 303 403 303 303 303",
			prep: func(f *permFixtures, _ string) permReq {
				return permReq{method: "POST", path: fmt.Sprintf("/models/%d/evidence", f.model()), file: f.png()}
			}},
		{route: "POST /budget", what: "set the police's 2019 estimate", expect: "L 403 403 403 303 303 303",
			prep: func(f *permFixtures, _ string) permReq {
				return web("/budget", url.Values{"plan": {permPlan}, "agency": {"bk-ca"}, "year": {"2019"}, "funding_source": {"ngan-sach"}, "amount": {fmt.Sprint(1000 + f.next())}})
			}},
		{route: "POST /api/v1/models", what: "register a police model in Nguyễn Thị Minh Khai", expect: "401 403 201 403 201 201 201",
			prep: func(f *permFixtures, _ string) permReq { return api("POST", "/api/v1/models", f.modelJSON("")) }},
		{route: "PUT /api/v1/models/{id}", what: "change the police model's status", expect: "401 403 200 403 200 200 200",
			prep: func(f *permFixtures, _ string) permReq {
				return api("PUT", fmt.Sprintf("/api/v1/models/%d", f.model()), f.modelJSON(`,"statuses":[{"since":"2019-09-01","status":"inactive"}]`))
			}},
		{route: "PUT /api/v1/models/{id}", what: "move the police model to the women's union", expect: "401 403 403 403 403 200 200",
			prep: func(f *permFixtures, _ string) permReq {
				return api("PUT", fmt.Sprintf("/api/v1/models/%d", f.model()), strings.Replace(f.modelJSON(""), `"agency":"bk-ca"`, `"agency":"bk-hlhpn"`, 1))
			}},
		{route: "DELETE /api/v1/models/{id}", what: "delete the police model", expect: "401 403 204 403 204 204 204",
			prep: func(f *permFixtures, _ string) permReq {
				return api("DELETE", fmt.Sprintf("/api/v1/models/%d", f.model()), "")
			}},
		{route: "PUT /api/v1/budget", what: "set the police's 2019 estimate", expect: "401 403 403 403 200 200 200",
			prep: func(f *permFixtures, _ string) permReq {
				return api("PUT", "/api/v1/budget", fmt.Sprintf(`{"plan":%q,"agency":"bk-ca","year":2019,"funding_source":"ngan-sach","amount":%d}`, permPlan, 1000+f.next()))
			}},

		// Reports.
		{route: "POST /plans/{code}/reports/{period}/agency/{agency}", what: "start the union's 2019 report", expect: "L 403 403 303 403 303 303",
			prep: func(f *permFixtures, _ string) permReq {
				f.dropReport("bk-hlhpn", 2019, outreach.ReportAgency)
				return web("/plans/"+permPlan+"/reports/2019/agency/bk-hlhpn", nil)
			}},
		{route: "POST /plans/{code}/reports/{period}/consolidated", what: "start the 2019 consolidated report", expect: "L 403 403 403 403 303 303",
			prep: func(f *permFixtures, _ string) permReq {
				f.dropReport("", 2019, outreach.ReportConsolidated)
				return web("/plans/"+permPlan+"/reports/2019/consolidated", nil)
			}},
		{route: "POST /reports/{id}", what: "save the union's draft", expect: "L 404 404 303 404 303 303",
			prep: func(f *permFixtures, _ string) permReq {
				return web(fmt.Sprintf("/reports/%d", f.report(outreach.ReportDraft)), url.Values{"results": {f.unique("Kết quả")}})
			}},
		{route: "POST /reports/{id}/autosave", what: "autosave the union's draft (refusals answer 403 to the script)", expect: "L 403 403 204 403 204 204",
			prep: func(f *permFixtures, _ string) permReq {
				return web(fmt.Sprintf("/reports/%d/autosave", f.report(outreach.ReportDraft)), url.Values{"results": {f.unique("Kết quả")}})
			}},
		{route: "POST /reports/{id}/step", what: "submit the union's draft", expect: "L 404 404 303 404 303 303",
			prep: func(f *permFixtures, _ string) permReq {
				return web(fmt.Sprintf("/reports/%d/step", f.report(outreach.ReportDraft)), url.Values{"step": {"submit"}})
			}},
		{route: "POST /reports/{id}/step", what: "accept the union's submitted report", expect: "L 403 403 403 403 303 303",
			prep: func(f *permFixtures, _ string) permReq {
				return web(fmt.Sprintf("/reports/%d/step", f.report(outreach.ReportSubmitted)), url.Values{"step": {"accept"}})
			}},
		{route: "POST /reports/{id}/step", what: "return the union's submitted report", expect: "L 403 403 403 403 303 303",
			prep: func(f *permFixtures, _ string) permReq {
				return web(fmt.Sprintf("/reports/%d/step", f.report(outreach.ReportSubmitted)), url.Values{"step": {"return"}, "reason": {"Bổ sung số liệu"}})
			}},
		{route: "POST /reports/{id}/step", what: "reopen the union's accepted report", expect: "L 403 403 403 403 303 303",
			prep: func(f *permFixtures, _ string) permReq {
				return web(fmt.Sprintf("/reports/%d/step", f.report(outreach.ReportAccepted)), url.Values{"step": {"reopen"}, "reason": {"Sửa số liệu"}})
			}},
		{route: "POST /plans/{code}/reports/{period}/targets", what: "report the police's 2019 value of a reported target", expect: "L 403 403 403 303 303 303",
			prep: func(f *permFixtures, _ string) permReq {
				f.targetValue("")
				return web("/plans/"+permPlan+"/reports/2019/targets", url.Values{"target": {"II.2.4"}, "numerator": {"45"}, "denominator": {"50"}})
			}},
		{route: "POST /plans/{code}/reports/{period}/targets/{id}/decision", what: "accept the police's submitted value", expect: "L 403 403 403 403 303 303",
			prep: func(f *permFixtures, _ string) permReq {
				return web(fmt.Sprintf("/plans/%s/reports/2019/targets/%d/decision", permPlan, f.targetValue(store.TargetValueSubmitted)), url.Values{"decision": {"accept"}})
			}},
		{route: "POST /plans/{code}/reports/{period}/targets/{id}/decision", what: "return the police's submitted value", expect: "L 403 403 403 403 303 303",
			prep: func(f *permFixtures, _ string) permReq {
				return web(fmt.Sprintf("/plans/%s/reports/2019/targets/%d/decision", permPlan, f.targetValue(store.TargetValueSubmitted)),
					url.Values{"decision": {"return"}, "reason": {"Thiếu minh chứng"}})
			}},
		{route: "POST /notices/read", what: "mark the coordinators' notices read", expect: "L 403 403 403 403 303 303",
			prep: func(f *permFixtures, _ string) permReq {
				f.unreadNotice()
				return web("/notices/read", nil)
			}},
		{route: "POST /api/v1/reports", what: "start the union's 2019 report", expect: "401 403 403 200 403 200 200",
			prep: func(f *permFixtures, _ string) permReq {
				f.dropReport("bk-hlhpn", 2019, outreach.ReportAgency)
				return api("POST", "/api/v1/reports", fmt.Sprintf(`{"plan":%q,"year":2019,"agency":"bk-hlhpn"}`, permPlan))
			}},
		{route: "POST /api/v1/reports", what: "start the 2019 consolidated report", expect: "401 403 403 403 403 200 200",
			prep: func(f *permFixtures, _ string) permReq {
				f.dropReport("", 2019, outreach.ReportConsolidated)
				return api("POST", "/api/v1/reports", fmt.Sprintf(`{"plan":%q,"year":2019,"kind":"consolidated"}`, permPlan))
			}},
		{route: "PUT /api/v1/reports/{id}", what: "save the union's draft", expect: "401 404 404 200 404 200 200",
			prep: func(f *permFixtures, _ string) permReq {
				return api("PUT", fmt.Sprintf("/api/v1/reports/%d", f.report(outreach.ReportDraft)), fmt.Sprintf(`{"narrative":{"results":%q}}`, f.unique("Kết quả")))
			}},
		{route: "POST /api/v1/reports/{id}/submit", what: "submit the union's draft", expect: "401 404 404 200 404 200 200",
			prep: func(f *permFixtures, _ string) permReq {
				return api("POST", fmt.Sprintf("/api/v1/reports/%d/submit", f.report(outreach.ReportDraft)), "")
			}},
		{route: "POST /api/v1/reports/{id}/accept", what: "accept the union's submitted report", expect: "401 403 403 403 403 200 200",
			prep: func(f *permFixtures, _ string) permReq {
				return api("POST", fmt.Sprintf("/api/v1/reports/%d/accept", f.report(outreach.ReportSubmitted)), "")
			}},
		{route: "POST /api/v1/reports/{id}/return", what: "return the union's submitted report", expect: "401 403 403 403 403 200 200",
			prep: func(f *permFixtures, _ string) permReq {
				return api("POST", fmt.Sprintf("/api/v1/reports/%d/return", f.report(outreach.ReportSubmitted)), `{"reason":"Bổ sung số liệu"}`)
			}},
		{route: "POST /api/v1/reports/{id}/reopen", what: "reopen the union's accepted report", expect: "401 403 403 403 403 200 200",
			prep: func(f *permFixtures, _ string) permReq {
				return api("POST", fmt.Sprintf("/api/v1/reports/%d/reopen", f.report(outreach.ReportAccepted)), `{"reason":"Sửa số liệu"}`)
			}},
		{route: "POST /api/v1/plans/{code}/target-values", what: "report the police's 2019 value of a reported target", expect: "401 403 403 403 200 200 200",
			prep: func(f *permFixtures, _ string) permReq {
				f.targetValue("")
				return api("POST", "/api/v1/plans/"+permPlan+"/target-values", `{"target":"II.2.4","period":"2019","numerator":45,"denominator":50}`)
			}},
		{route: "POST /api/v1/plans/{code}/target-values/{id}/decision", what: "accept the police's submitted value", expect: "401 403 403 403 403 200 200",
			prep: func(f *permFixtures, _ string) permReq {
				return api("POST", fmt.Sprintf("/api/v1/plans/%s/target-values/%d/decision", permPlan, f.targetValue(store.TargetValueSubmitted)), `{"decision":"accept"}`)
			}},

		// Users and accounts (the password change last: it ends the
		// user's other sessions).
		{route: "POST /users", what: "create a viewer", expect: "L 403 403 403 403 403 303",
			prep: func(f *permFixtures, _ string) permReq {
				return web("/users", url.Values{"username": {f.unique("nguoi-xem")}, "name": {"Người xem"}, "role": {"viewer"}, "password": {"0123456789ab"}})
			}},
		{route: "POST /tokens/{id}/revoke", what: "revoke a police API token (others' are not found)", expect: "L 404 404 404 303 404 303",
			prep: func(f *permFixtures, _ string) permReq {
				return web(fmt.Sprintf("/tokens/%d/revoke", f.policeToken()), nil)
			}},
		{route: "POST /account/password", what: "change one's own password", expect: "L 303 303 303 303 303 303",
			prep: func(f *permFixtures, _ string) permReq {
				next := f.unique("mật khẩu mới rất dài")
				return web("/account/password", url.Values{"current": {password}, "new": {next}, "again": {next}})
			}},
	}
}

// permCell is one expected outcome.
type permCell struct {
	status  int
	login   bool // a redirect to the login page
	allowed bool // the write happens
}

func permParse(t *testing.T, expect string) []permCell {
	t.Helper()
	fields := strings.Fields(expect)
	if len(fields) != len(permColumns) {
		t.Fatalf("expectation %q has %d cells, want %d", expect, len(fields), len(permColumns))
	}
	var cells []permCell
	for i, f := range fields {
		switch {
		case f == "L":
			cells = append(cells, permCell{status: http.StatusSeeOther, login: true})
		case strings.HasSuffix(f, "x"):
			n, err := strconv.Atoi(strings.TrimSuffix(f, "x"))
			if err != nil {
				t.Fatalf("cell %q", f)
			}
			cells = append(cells, permCell{status: n})
		default:
			n, err := strconv.Atoi(f)
			if err != nil {
				t.Fatalf("cell %q", f)
			}
			cells = append(cells, permCell{status: n, allowed: n < 400 && i > 0})
		}
		if i == 0 && f != "L" && f != "401" {
			t.Fatalf("anonymous cell %q: want L or 401", f)
		}
	}
	return cells
}

// TestPermissionMatrix sends every write as every role. Routes ×
// columns: see the table above; the test logs the size.
func TestPermissionMatrix(t *testing.T) {
	rows := permRows()
	permCheckRoutesListed(t, rows)
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newPermFixtures(t, s)
		cells := 0
		for _, row := range rows {
			expect := permParse(t, row.expect)
			api := strings.Contains(row.route, " /api/")
			for i, role := range permColumns {
				req := row.prep(f, role)
				if got := req.method + " "; !strings.HasPrefix(row.route, got) {
					t.Fatalf("%s: the request is %s", row.route, req.method)
				}
				before := permSnapshot(t, s.DB())
				status, loc, body := f.send(role, api, req)
				after := permSnapshot(t, s.DB())
				cells++
				want := expect[i]
				name := fmt.Sprintf("%s (%s) as %s", row.route, row.what, permName(role))
				if status != want.status {
					t.Errorf("%s: %d, want %d; %s", name, status, want.status, permShort(body))
				}
				if want.login && !strings.HasPrefix(loc, "/login?next=") {
					t.Errorf("%s: redirected to %q, want the login page", name, loc)
				}
				diff := permDiff(before, after)
				switch {
				case (want.allowed && !row.keep) && len(diff) == 0:
					t.Errorf("%s: allowed, but nothing changed", name)
				case !(want.allowed && !row.keep) && len(diff) > 0:
					t.Errorf("%s: refused or a preview, but changed %v", name, diff)
				}
			}
		}
		t.Logf("%d rows (%d routes) × %d columns = %d cells", len(rows), permRouteCount(rows), len(permColumns), cells)
	})
}

func permName(role string) string {
	if role == "" {
		return "anonymous"
	}
	return role
}

func permShort(body string) string {
	if len(body) > 300 {
		body = body[:300]
	}
	return strings.Join(strings.Fields(body), " ")
}

func permRouteCount(rows []permRow) int {
	seen := map[string]bool{}
	for _, r := range rows {
		seen[r.route] = true
	}
	return len(seen)
}

// permCheckRoutesListed reads the registrations in the web and API
// sources and fails when a write is registered that the matrix does not
// list (or the matrix lists one that is gone), and when a pattern
// without a method (which would take POSTs) is added.
func permCheckRoutesListed(t *testing.T, rows []permRow) {
	t.Helper()
	registered := permSourceRoutes(t)
	listed := map[string]bool{}
	for _, r := range rows {
		listed[r.route] = true
	}
	for r := range permExempt {
		listed[r] = true
	}
	var writes []string
	for _, r := range registered {
		method, _, ok := strings.Cut(r, " ")
		if !ok || strings.HasPrefix(r, "/") {
			if r != "/api/v1/" {
				t.Errorf("route %q has no method: it would take writes; give it one", r)
			}
			continue
		}
		if method == "GET" || method == "HEAD" {
			continue
		}
		writes = append(writes, r)
		if !listed[r] {
			t.Errorf("the write %q is not in the permission matrix: add a row to permRows", r)
		}
	}
	for r := range listed {
		if !slices.Contains(writes, r) {
			t.Errorf("the matrix lists %q, which the sources do not register", r)
		}
	}
}

// permSourceRoutes returns every pattern registered with Handle or
// HandleFunc in the web and API sources, with loop variables expanded.
func permSourceRoutes(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, dir := range []string{".", "../api"} {
		m, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range m {
			if !strings.HasSuffix(f, "_test.go") {
				files = append(files, f)
			}
		}
	}
	known := map[string]string{"outreach.StepSubmit": outreach.StepSubmit, "outreach.StepAccept": outreach.StepAccept,
		"outreach.StepReturn": outreach.StepReturn, "outreach.StepReopen": outreach.StepReopen}
	loopRE := regexp.MustCompile(`for _, (\w+) := range \[\]string\{([^}]*)\}`)
	elemRE := regexp.MustCompile(`"([^"]*)"|([\w.]+)`)
	handleRE := regexp.MustCompile(`\.Handle(?:Func)?\(\s*("[^"]*"(?:\s*\+\s*(?:"[^"]*"|\w+))*)\s*,`)
	partRE := regexp.MustCompile(`"([^"]*)"|(\w+)`)
	// A registration whose pattern is not a literal (ctx is slog's Handle).
	otherHandleRE := regexp.MustCompile(`\.Handle(?:Func)?\(\s*([^"\s,)][^,)]*)`)
	var out []string
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		src := string(b)
		loops := map[string][]string{}
		for _, m := range loopRE.FindAllStringSubmatch(src, -1) {
			for _, e := range elemRE.FindAllStringSubmatch(m[2], -1) {
				v := e[1]
				if e[2] != "" {
					var ok bool
					if v, ok = known[e[2]]; !ok {
						t.Errorf("%s: loop over %s uses %s, which the route scanner does not know", file, m[1], e[2])
						continue
					}
				}
				loops[m[1]] = append(loops[m[1]], v)
			}
		}
		for _, m := range otherHandleRE.FindAllStringSubmatch(src, -1) {
			// ctx is slog's Handle; limits.go's mux only knows the
			// patterns of routes registered here with their body limit.
			if m[1] != "ctx" && !(filepath.Base(file) == "limits.go" && m[1] == "pattern") {
				t.Errorf("%s: a route registered as %s, which the route scanner cannot read", file, m[1])
			}
		}
		matches := handleRE.FindAllStringSubmatch(src, -1)
		for _, m := range matches {
			patterns := []string{""}
			for _, p := range partRE.FindAllStringSubmatch(m[1], -1) {
				values := []string{p[1]}
				if p[2] != "" {
					if values = loops[p[2]]; len(values) == 0 {
						t.Errorf("%s: pattern %s uses %s, not a loop over literals", file, m[1], p[2])
					}
				}
				var next []string
				for _, prefix := range patterns {
					for _, v := range values {
						next = append(next, prefix+v)
					}
				}
				patterns = next
			}
			out = append(out, patterns...)
		}
	}
	return out
}

// permFixtures makes the records the requests act on, as the system.
type permFixtures struct {
	t        *testing.T
	w        *world
	s        *store.Store
	clients  map[string]*http.Client
	tokens   map[string]string
	n        int
	material int64
	planSrc  string
}

var permSystem = outreach.SystemActor("test")

func newPermFixtures(t *testing.T, s *store.Store) *permFixtures {
	w := newWorld(t, s)
	f := &permFixtures{t: t, w: w, s: s, clients: map[string]*http.Client{"": w.browser()}, tokens: map[string]string{"": ""}}
	for _, role := range permColumns[1:] {
		f.clients[role] = w.login(role)
		f.tokens[role] = w.token(role)
	}
	id, err := s.SaveMaterial(ctx, permSystem, outreach.Material{Plan: permPlan, Type: "leaflet", Title: "Tờ gấp của Công an tỉnh", Agency: "bk-ca", Year: 2018, Copies: 1000})
	if err != nil {
		t.Fatal(err)
	}
	f.material = id
	src, ok := planfile.BuiltinSource(permPlan)
	if !ok {
		t.Fatal("no built-in plan")
	}
	f.planSrc = string(src)
	return f
}

func (f *permFixtures) next() int { f.n++; return f.n }

// policeToken makes a fresh API token of the police and returns its id.
func (f *permFixtures) policeToken() int64 {
	if _, err := f.s.CreateToken(ctx, permSystem, "police", f.unique("revoke")); err != nil {
		f.t.Fatal(err)
	}
	ts, err := f.s.Tokens(ctx, permSystem, "police")
	if err != nil || len(ts) == 0 {
		f.t.Fatal(err)
	}
	return ts[len(ts)-1].ID
}

func (f *permFixtures) unique(prefix string) string { return fmt.Sprintf("%s-%d", prefix, f.next()) }

// send makes the request as the role: the session for the browser,
// the token for the API.
func (f *permFixtures) send(role string, api bool, r permReq) (status int, location, body string) {
	f.t.Helper()
	return f.sendWith(role, api, r, nil)
}

// sendWith is send with headers set last; with api and the headers
// holding Cookie, the API request carries the role's session cookie
// instead of its token.
func (f *permFixtures) sendWith(role string, api bool, r permReq, hdr http.Header) (status int, location, body string) {
	f.t.Helper()
	var rd io.Reader
	var ctype string
	switch {
	case api:
		rd, ctype = strings.NewReader(r.json), "application/json"
	case r.file != nil:
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for k, v := range r.fields {
			mw.WriteField(k, v)
		}
		fw, _ := mw.CreateFormFile("file", r.file.name)
		fw.Write(r.file.data)
		mw.Close()
		rd, ctype = &buf, mw.FormDataContentType()
	default:
		rd, ctype = strings.NewReader(r.form.Encode()), "application/x-www-form-urlencoded"
	}
	req, err := http.NewRequest(r.method, f.w.srv.URL+r.path, rd)
	if err != nil {
		f.t.Fatal(err)
	}
	req.Header.Set("Content-Type", ctype)
	client := f.clients[role]
	if api && hdr.Get("Cookie") == "" {
		client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		if tok := f.tokens[role]; tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
	} else if !api {
		req.Header.Set("Origin", f.w.srv.URL)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	for k, vs := range hdr {
		if k == "Cookie" {
			continue // the client's jar sends the session
		}
		req.Header.Del(k)
		for _, v := range vs {
			if v != "" {
				req.Header.Add(k, v)
			}
		}
	}
	resp, err := client.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

func (f *permFixtures) activityValue() outreach.Activity {
	total := int64(40)
	return outreach.Activity{Plan: permPlan, Agency: "bk-ca", Task: "V.3.2", Channel: "IV.5", Themes: []string{"III.3"},
		Title: f.unique("Tập huấn cho Công an huyện Na Rì"), StartDate: "2019-04-02", Units: []string{"066"},
		Audience: outreach.Audience{Total: &total}}
}

// activity is a fresh police activity in Na Rì, in the bin if deleted.
func (f *permFixtures) activity(deleted bool) int64 {
	f.t.Helper()
	id, err := f.s.CreateActivity(ctx, permSystem, f.activityValue())
	if err != nil {
		f.t.Fatal(err)
	}
	if deleted {
		if err := f.s.DeleteActivity(ctx, permSystem, id); err != nil {
			f.t.Fatal(err)
		}
	}
	return id
}

// activityIn is a fresh police activity of April 2018 in one commune.
func (f *permFixtures) activityIn(unit string) int64 {
	f.t.Helper()
	a := f.activityValue()
	a.Units, a.StartDate = []string{unit}, "2018-04-02"
	id, err := f.s.CreateActivity(ctx, permSystem, a)
	if err != nil {
		f.t.Fatal(err)
	}
	return id
}

func (f *permFixtures) activityFormIn(unit, cost string) url.Values {
	v := f.activityForm()
	v.Set("units", unit)
	v.Set("start_date", "2018-04-02")
	v.Set("end_date", "2018-04-02")
	if cost != "" {
		v.Set("cost", cost)
		v.Set("funding_source", "ngan-sach")
	}
	return v
}

func (f *permFixtures) activityForm() url.Values {
	return url.Values{"plan": {permPlan}, "agency": {"bk-ca"}, "task": {"V.3.2"}, "channel": {"IV.5"}, "themes": {"III.3"},
		"title": {f.unique("Tập huấn cho Công an huyện Na Rì")}, "start_date": {"2019-04-02"}, "end_date": {"2019-04-02"},
		"units": {"066"}, "aud_total": {"40"}}
}

// activityJSONIn is a police activity of April 2018 in one commune, with
// a cost of the state budget when cost is not 0.
func (f *permFixtures) activityJSONIn(unit string, cost int64) string {
	a := f.activityValue()
	a.Units, a.StartDate = []string{unit}, "2018-04-02"
	if cost != 0 {
		a.Cost, a.FundingSource = cost, "ngan-sach"
	}
	b, err := json.Marshal(a)
	if err != nil {
		f.t.Fatal(err)
	}
	return string(b)
}

func (f *permFixtures) activityJSON() string {
	b, err := json.Marshal(f.activityValue())
	if err != nil {
		f.t.Fatal(err)
	}
	return string(b)
}

var permPNG = append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 64)...)

func (f *permFixtures) png() *permFile {
	return &permFile{name: "anh.png", data: append(slices.Clone(permPNG), byte(f.next()))}
}

// evidence is a photo attached to a fresh police activity.
func (f *permFixtures) evidence() int64 {
	f.t.Helper()
	e, err := f.s.AddEvidence(ctx, permSystem, "activity", f.activity(false), "anh.png", f.png().data)
	if err != nil {
		f.t.Fatal(err)
	}
	return e.ID
}

// distribution is a fresh police distribution to Nguyễn Thị Minh Khai
// (in the commune's subtree) and Cao Trĩ (outside it).
func (f *permFixtures) distribution() int64 {
	f.t.Helper()
	id, err := f.s.CreateDistribution(ctx, permSystem, outreach.Distribution{Plan: permPlan, Material: f.material, FromAgency: "bk-ca", Date: "2018-03-01",
		Notes: f.unique("gửi"), Deliveries: []outreach.Delivery{{Unit: "01834", Quantity: 10}, {Unit: "01903", Quantity: 10}}})
	if err != nil {
		f.t.Fatal(err)
	}
	return id
}

func (f *permFixtures) modelJSON(extra string) string {
	return fmt.Sprintf(`{"plan":%q,"unit":"01834","agency":"bk-ca","name":%q,"established_on":"2018-06-01"%s}`, permPlan, f.unique("CLB"), extra)
}

// model is a fresh police model in Nguyễn Thị Minh Khai.
func (f *permFixtures) model() int64 {
	f.t.Helper()
	id, err := f.s.CreateModel(ctx, permSystem, outreach.PreventionModel{Plan: permPlan, Unit: "01834", Agency: "bk-ca", Name: f.unique("CLB"), EstablishedOn: "2018-06-01"})
	if err != nil {
		f.t.Fatal(err)
	}
	return id
}

func (f *permFixtures) keyArea(present bool) {
	f.t.Helper()
	ks, err := f.s.KeyAreas(ctx, permPlan, 2019)
	if err != nil {
		f.t.Fatal(err)
	}
	has := slices.ContainsFunc(ks, func(k outreach.KeyArea) bool { return k.Unit.Code == "01903" })
	switch {
	case present && !has:
		err = f.s.SetKeyArea(ctx, permSystem, permPlan, "01903", 2019, []string{"high_risk"}, "")
	case !present && has:
		err = f.s.RemoveKeyArea(ctx, permSystem, permPlan, "01903", 2019)
	}
	if err != nil {
		f.t.Fatal(err)
	}
}

// planFile is the built-in plan with a changed closing, so that an
// import changes something.
func (f *permFixtures) planFile() string {
	return strings.Replace(f.planSrc, "\nclosing: ", "\nclosing: "+f.unique("Lần")+". ", 1)
}

// dropReport deletes a report row (nothing refers to reports), so that
// the next request starts it.
func (f *permFixtures) dropReport(agency string, year int, kind outreach.ReportKind) {
	f.t.Helper()
	q := `DELETE FROM reports WHERE plan_id = (SELECT id FROM plans WHERE code = $1) AND year = $2 AND kind = $3`
	args := []any{permPlan, year, string(kind)}
	if agency != "" {
		q += ` AND agency_id = (SELECT id FROM agencies WHERE code = $4)`
		args = append(args, agency)
	}
	if _, err := f.s.DB().ExecContext(ctx, q, args...); err != nil {
		f.t.Fatal(err)
	}
}

// report returns the union's 2019 report in the status, reusing it when
// it is already there and starting it again otherwise.
func (f *permFixtures) report(status outreach.ReportStatus) int64 {
	f.t.Helper()
	var id int64
	var got string
	err := f.s.DB().QueryRowContext(ctx, `SELECT r.id, r.status FROM reports r JOIN agencies a ON a.id = r.agency_id
		WHERE a.code = 'bk-hlhpn' AND r.year = 2019 AND r.kind = 'agency'`).Scan(&id, &got)
	if err == nil && got == string(status) {
		return id
	}
	if err != nil && err != sql.ErrNoRows {
		f.t.Fatal(err)
	}
	f.dropReport("bk-hlhpn", 2019, outreach.ReportAgency)
	rep, err := f.s.OpenReport(ctx, permSystem, permPlan, "bk-hlhpn", outreach.Annual(2019), outreach.ReportAgency)
	if err != nil {
		f.t.Fatal(err)
	}
	steps := map[outreach.ReportStatus][]string{outreach.ReportSubmitted: {"submit"}, outreach.ReportAccepted: {"submit", "accept"}}[status]
	for _, step := range steps {
		if _, err := f.s.ReportStep(ctx, permSystem, rep.ID, step, ""); err != nil {
			f.t.Fatal(err)
		}
	}
	return rep.ID
}

// targetValue gives the plan a reported target the police report
// (II.2.4), when a re-import dropped it or it was never added, and leaves
// its 2019 value in the state asked for: "" none, or submitted.
func (f *permFixtures) targetValue(state string) int64 {
	f.t.Helper()
	p, err := f.s.Plan(ctx, permPlan)
	if err != nil {
		f.t.Fatal(err)
	}
	if _, ok := p.Target("II.2.4"); !ok {
		p.Targets = append(p.Targets, outreach.Target{Code: "II.2.4", Text: "100 % số tin báo, tố giác được xử lý", Kind: outreach.KindReported, Agency: "bk-ca",
			Milestones: []outreach.Milestone{{Year: 2020, Comparator: "=", Value: 100}}})
		if _, err := f.s.ImportPlan(ctx, permSystem, p); err != nil {
			f.t.Fatal(err)
		}
	}
	if _, err := f.s.DB().ExecContext(ctx, `DELETE FROM target_reports WHERE target_code = 'II.2.4'`); err != nil {
		f.t.Fatal(err)
	}
	if state == "" {
		return 0
	}
	v, err := f.s.SubmitTargetValue(ctx, permSystem, permPlan, "II.2.4", "2019", 40, 50, "")
	if err != nil {
		f.t.Fatal(err)
	}
	return v.ID
}

// unreadNotice leaves the coordinators a notice to mark read.
func (f *permFixtures) unreadNotice() {
	f.t.Helper()
	if _, err := f.s.DB().ExecContext(ctx, `INSERT INTO notifications (plan_id, audience, message, link, created_at)
		VALUES ((SELECT id FROM plans WHERE code = $1), $2, $3, '/reports', '2019-12-01T00:00:00Z')`,
		permPlan, string(outreach.RoleCoordinator), store.NoticeSubmitted+"|Hội Liên hiệp phụ nữ tỉnh|2019"); err != nil {
		f.t.Fatal(err)
	}
}

const permActivityHeader = "Nhiệm vụ,Hình thức,Nội dung,Tên hoạt động,Ngày bắt đầu,Địa bàn,Tổng số người,Nữ\n"

func (f *permFixtures) activityFile() *permFile {
	return &permFile{name: "hoat-dong.csv", data: []byte(permActivityHeader + fmt.Sprintf("V.3.1,IV.3,III.3,%s,05/03/2018,Toàn tỉnh,,\n", f.unique("Tin bài trên cổng TTĐT")))}
}

// activityFileIn is a file of one police activity of April 2018 in a
// commune (the agency in its column, whoever uploads it), with a cost of
// the state budget when cost is not "".
func (f *permFixtures) activityFileIn(unit, cost string) *permFile {
	funding := ""
	if cost != "" {
		funding = "ngan-sach"
	}
	return &permFile{name: "hoat-dong.csv", data: []byte("Cơ quan,Nhiệm vụ,Hình thức,Nội dung,Tên hoạt động,Ngày bắt đầu,Địa bàn,Tổng số người,Kinh phí (đồng),Nguồn kinh phí\n" +
		fmt.Sprintf("bk-ca,V.3.2,IV.5,III.3,%s,02/04/2018,%s,40,%s,%s\n", f.unique("Tập huấn"), unit, cost, funding))}
}

func (f *permFixtures) distributionFile() *permFile {
	return &permFile{name: "phan-phoi.csv", data: []byte("Tài liệu,Cơ quan gửi,Ngày gửi,Xã nhận,Số lượng,Ngày nhận,Ngày triển khai,Hình thức triển khai,Ghi chú\n" +
		fmt.Sprintf("%d,bk-ca,01/03/2018,01903,10,,,,%s\n", f.material, f.unique("đợt")))}
}

var permTokenRE = regexp.MustCompile(`name="token" value="([^"]+)"`)

// importToken uploads a file as the role and returns the token of its
// preview; a role whose upload is refused gets the police's token.
func (f *permFixtures) importToken(role, kind string) string {
	f.t.Helper()
	file, fields := f.activityFile(), map[string]string{"plan": permPlan, "agency": "bk-ca"}
	if kind == "distributions" {
		file, fields = f.distributionFile(), map[string]string{"plan": permPlan}
	}
	if role != "" {
		status, _, body := f.send(role, false, permReq{method: "POST", path: "/" + kind + "/import", fields: fields, file: file})
		if m := permTokenRE.FindStringSubmatch(body); status == http.StatusOK && m != nil {
			return m[1]
		}
	}
	if role == "police" {
		f.t.Fatalf("the police cannot upload %s", kind)
	}
	return f.importToken("police", kind)
}

// permSnapshot fingerprints the database: the row count of every table
// of the schema and the size, last id, last time and text length of the
// audit log (one query), and the content of a few tables (an
// order-independent hash of their rows). Every store write adds or
// updates an audit row in the transaction that makes it, so a refused
// request that changed a row would show in the audit log; the content
// catches the writes made without one.
func permSnapshot(t *testing.T, db *sql.DB) map[string]string {
	t.Helper()
	tables := permTables(t)
	var sel []string
	for _, table := range tables {
		sel = append(sel, `(SELECT count(*) FROM `+table+`)`)
	}
	sel = append(sel, `(SELECT coalesce(max(id), 0) FROM audit_log)`, `(SELECT coalesce(max(at), '') FROM audit_log)`,
		`(SELECT coalesce(sum(length(after)), 0) FROM audit_log)`)
	vals := make([]any, len(sel))
	ptrs := make([]any, len(sel))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := db.QueryRowContext(ctx, `SELECT `+strings.Join(sel, ", ")).Scan(ptrs...); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for i, table := range tables {
		out[table] = fmt.Sprintf("%v rows", vals[i])
	}
	out["audit_log"] += fmt.Sprintf(", last %v at %v, %v bytes after", vals[len(tables)], permText(vals[len(tables)+1]), vals[len(tables)+2])
	for table, query := range permContent {
		rows, err := db.QueryContext(ctx, query)
		if err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		var sum uint64
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			h := fnv.New64a()
			for _, v := range vals {
				fmt.Fprintf(h, "%v\x00", permText(v))
			}
			sum += h.Sum64()
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		out[table] += fmt.Sprintf(", content %x", sum)
	}
	return out
}

func permText(v any) any {
	if b, ok := v.([]byte); ok {
		return string(b)
	}
	return v
}

// permContent are the tables whose content is compared too: those the
// store writes outside a transaction with an audit row (the notices read,
// the mail log), and the small ones the workflow updates in place.
var permContent = map[string]string{
	"notifications":  `SELECT * FROM notifications`,
	"mailings":       `SELECT * FROM mailings`,
	"reports":        `SELECT * FROM reports`,
	"agencies":       `SELECT * FROM agencies`,
	"target_reports": `SELECT * FROM target_reports`,
}

var permTableList []string

// permTables lists the tables of the schema, from the migrations.
func permTables(t *testing.T) []string {
	if permTableList != nil {
		return permTableList
	}
	files, err := filepath.Glob("../store/migrations/sqlite/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("migrations: %v", err)
	}
	// Tables created, less those a migration renamed (a table rebuilt
	// under a temporary name and renamed back).
	re := regexp.MustCompile(`(?m)^CREATE TABLE (\w+)|^ALTER TABLE (\w+) RENAME TO (\w+)`)
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			if m[1] != "" {
				permTableList = append(permTableList, m[1])
				continue
			}
			permTableList = slices.DeleteFunc(permTableList, func(name string) bool { return name == m[2] })
			if !slices.Contains(permTableList, m[3]) {
				permTableList = append(permTableList, m[3])
			}
		}
	}
	if !slices.Contains(permTableList, "audit_log") || !slices.Contains(permTableList, "reports") {
		t.Fatalf("tables: %v", permTableList)
	}
	return permTableList
}

func permDiff(a, b map[string]string) []string {
	var out []string
	for k, v := range a {
		if b[k] != v {
			out = append(out, fmt.Sprintf("%s: %s → %s", k, v, b[k]))
		}
	}
	sort.Strings(out)
	return out
}

// TestPermissionsHideOthersDrafts reads another agency's draft every way
// there is: the report page, its export, the API, the lists and the
// board, the start page; and the consolidated draft's text through its
// export. The owner reads them (so each check can fail).
func TestPermissionsHideOthersDrafts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newPermFixtures(t, s)
		const secret = "Nội dung dự thảo chưa gửi của Hội"
		id := f.report(outreach.ReportDraft)
		if _, err := s.SaveReport(ctx, permSystem, id, store.ReportEdit{Narrative: outreach.Narrative{Results: secret}}); err != nil {
			t.Fatal(err)
		}
		const consolidated = "Dự thảo tổng hợp của Sở"
		cons, err := s.OpenReport(ctx, permSystem, permPlan, "", outreach.Annual(2019), outreach.ReportConsolidated)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SaveReport(ctx, permSystem, cons.ID, store.ReportEdit{Narrative: outreach.Narrative{Results: consolidated}}); err != nil {
			t.Fatal(err)
		}
		policeActivity, policeModel, policeDist := f.activity(false), f.model(), f.distribution()

		get := func(role, path string) (int, string) {
			t.Helper()
			req, _ := http.NewRequest("GET", f.w.srv.URL+path, nil)
			c := f.clients[role]
			if strings.HasPrefix(path, "/api/") {
				c = http.DefaultClient
				req.Header.Set("Authorization", "Bearer "+f.tokens[role])
			}
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(b)
		}
		rep := fmt.Sprintf("/reports/%d", id)
		apiRep := fmt.Sprintf("/api/v1/reports/%d", id)
		hidden := []struct{ path, what string }{
			{rep, "the draft's page (with its history)"},
			{rep + "/export?format=csv", "the draft's export"},
			{rep + "/export?format=docx", "the draft's DOCX"},
			{apiRep, "the draft through the API"},
			{apiRep + "/export?format=csv", "the draft's export through the API"},
		}
		for _, role := range []string{"police", "viewer", "commune"} {
			before := permSnapshot(t, s.DB())
			for _, h := range hidden {
				if status, body := get(role, h.path); status != http.StatusNotFound || strings.Contains(body, secret) {
					t.Errorf("%s reads %s (%s): %d", role, h.what, h.path, status)
				}
			}
			var list struct {
				Reports []struct{ ID int64 } `json:"reports"`
			}
			if status, body := get(role, "/api/v1/reports?plan="+permPlan+"&year=2019"); status != 200 || json.Unmarshal([]byte(body), &list) != nil {
				t.Errorf("%s lists reports: %d", role, status)
			}
			for _, r := range list.Reports {
				if r.ID == id || r.ID == cons.ID {
					t.Errorf("%s's report list has the draft %d", role, r.ID)
				}
			}
			var board struct {
				Agencies []struct{ Agency, State string } `json:"agencies"`
			}
			if _, body := get(role, "/api/v1/reports/board?plan="+permPlan+"&year=2019"); json.Unmarshal([]byte(body), &board) != nil {
				t.Errorf("%s's board: %s", role, permShort(body))
			}
			for _, a := range board.Agencies {
				if a.Agency == "bk-hlhpn" && a.State != "missing" {
					t.Errorf("%s's board says the union's draft is %q", role, a.State)
				}
			}
			if status, body := get(role, "/plans/"+permPlan+"/reports/2019"); status != 200 || strings.Contains(body, rep+`"`) {
				t.Errorf("%s's board page links the draft (%d)", role, status)
			}
			if status, body := get(role, "/plans/"+permPlan+"/reports/2019/agency/bk-hlhpn"); status != 200 || strings.Contains(body, secret) || strings.Contains(body, rep+`"`) {
				t.Errorf("%s finds the union's draft: %d", role, status)
			}
			for _, path := range []string{"/plans/" + permPlan + "/reports/2019/consolidated/export?format=docx", "/api/v1/reports/consolidated/export?plan=" + permPlan + "&year=2019&format=docx"} {
				// Before it is submitted, the consolidated report (even its
				// live figures) is the coordinators' alone.
				if status, body := get(role, path); status != http.StatusForbidden || strings.Contains(body, consolidated) {
					t.Errorf("%s exports the consolidated draft (%s): %d, want 403", role, path, status)
				}
			}
			if diff := permDiff(before, permSnapshot(t, s.DB())); len(diff) > 0 {
				t.Errorf("%s's reads changed %v", role, diff)
			}
		}
		// Another agency's records and their history.
		for _, path := range []string{fmt.Sprintf("/activities/%d", policeActivity), fmt.Sprintf("/models/%d", policeModel), fmt.Sprintf("/distributions/%d", policeDist),
			fmt.Sprintf("/api/v1/activities/%d", policeActivity), fmt.Sprintf("/api/v1/activities/%d/history", policeActivity),
			fmt.Sprintf("/api/v1/models/%d", policeModel), fmt.Sprintf("/api/v1/distributions/%d", policeDist)} {
			if status, _ := get("union", path); status != http.StatusNotFound {
				t.Errorf("the union reads the police's %s: %d", path, status)
			}
			if status, _ := get("police", path); status != http.StatusOK {
				t.Errorf("the police reads its own %s: %d", path, status)
			}
		}
		if _, body := get("union", "/activities/export?plan="+permPlan+"&format=csv"); strings.Contains(body, "Công an huyện Na Rì") {
			t.Error("the union's export has the police's activities")
		}
		// The owner and the coordinators read what the others may not.
		for _, role := range []string{"union", "coord"} {
			for _, path := range []string{rep, apiRep} {
				if status, body := get(role, path); status != 200 || !strings.Contains(body, secret) {
					t.Errorf("%s reads %s: %d", role, path, status)
				}
			}
			if status, body := get(role, rep+"/export?format=docx"); status != 200 || !strings.Contains(permDocxText(t, body), secret) {
				t.Errorf("%s exports the draft: %d", role, status)
			}
		}
		if status, body := get("coord", "/plans/"+permPlan+"/reports/2019"); status != 200 || !strings.Contains(body, rep+`"`) {
			t.Errorf("the coordinator's board page does not link the draft (%d)", status)
		}
		if status, _ := get("union", "/plans/"+permPlan+"/reports/2019/agency/bk-hlhpn"); status != http.StatusSeeOther {
			t.Errorf("the union does not find its draft: %d", status)
		}
		if status, body := get("coord", "/plans/"+permPlan+"/reports/2019/consolidated/export?format=docx"); status != 200 || !strings.Contains(permDocxText(t, body), consolidated) {
			t.Errorf("the coordinator exports the consolidated draft: %d", status)
		}
	})
}

// permDocxText is the text of a DOCX's main part ("" if it is not one).
func permDocxText(t *testing.T, body string) string {
	t.Helper()
	zr, err := zip.NewReader(strings.NewReader(body), int64(len(body)))
	if err != nil {
		return ""
	}
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(rc)
			rc.Close()
			return string(b)
		}
	}
	return ""
}
