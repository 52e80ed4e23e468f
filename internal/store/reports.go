package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"outreach/internal/outreach"
)

// ReportEdit is what the report editor saves: the document's number and
// signer, and the narrative.
type ReportEdit struct {
	Number      string             `json:"number"`
	SignerTitle string             `json:"signer_title"`
	SignerName  string             `json:"signer_name"`
	Narrative   outreach.Narrative `json:"narrative"`
}

const reportColumns = `r.id, p.code, r.kind, r.year, a.code, a.name, r.status, r.number, r.signer_title, r.signer_name,
	r.results, r.shortcomings, r.causes, r.proposals, coalesce(r.figures, ''), coalesce(r.first_submitted_at, ''),
	coalesce(r.submitted_at, ''), coalesce(r.submitted_by, ''), coalesce(r.decided_at, ''), coalesce(r.decided_by, ''),
	r.reason, r.updated_at, r.updated_by, r.agency_id, r.plan_id, p.owner_code, r.round, coalesce(pp.code, ''), coalesce(pp.owner_code, '')`

// reportFrom joins the report's plan and the plan that plan serves, if any
// (a province's consolidated report goes up to that plan's coordinators).
const reportFrom = ` FROM reports r JOIN plans p ON p.id = r.plan_id JOIN agencies a ON a.id = r.agency_id LEFT JOIN plans pp ON pp.id = p.parent_plan_id`

// reportRow is a report with the ids the store needs.
type reportRow struct {
	outreach.Report
	agencyID, planID int64
	figures          string
	owner            string // the plan's
	upOwner          string // the owner of the plan it serves, if any
}

func scanReport(r scanner) (*reportRow, error) {
	var x reportRow
	var first, sub, dec, upd string
	rep := &x.Report
	n := &rep.Narrative
	err := r.Scan(&rep.ID, &rep.Plan, &rep.Kind, &rep.Year, &rep.AgencyCode, &rep.AgencyName, &rep.Status, &rep.Number, &rep.SignerTitle, &rep.SignerName,
		&n.Results, &n.Shortcomings, &n.Causes, &n.Proposals, &x.figures, &first, &sub, &rep.SubmittedBy, &dec, &rep.DecidedBy,
		&rep.Reason, &upd, &rep.UpdatedBy, &x.agencyID, &x.planID, &x.owner, &rep.Round, &rep.UpTo, &x.upOwner)
	if err != nil {
		return nil, err
	}
	if rep.Kind != outreach.ReportConsolidated { // only the consolidated report goes up
		rep.UpTo, x.upOwner = "", ""
	}
	stamp := func(s string) *time.Time {
		if s == "" {
			return nil
		}
		t := parseStamp(s)
		return &t
	}
	rep.FirstSubmittedAt, rep.SubmittedAt, rep.DecidedAt, rep.UpdatedAt = stamp(first), stamp(sub), stamp(dec), parseStamp(upd)
	return &x, nil
}

// late fills in whether a report's first submission missed its deadline:
// an agency report the plan's deadline for the period, a consolidated
// report going up to a parent plan that plan's deadline for the same
// period (a consolidated report that goes nowhere has none). A parent
// whose regime has no such period does not receive the report: it stays
// the province's own, issued like one of a plan that serves none.
func (s *Store) late(ctx context.Context, q querier, x *reportRow) error {
	if x.Kind == outreach.ReportConsolidated && x.UpTo != "" {
		parent, _, err := loadPlan(ctx, q, x.UpTo)
		if err != nil {
			return err
		}
		rp, err := parent.PeriodOf(x.Key())
		if errors.Is(err, outreach.ErrNotFound) {
			x.UpTo, x.upOwner = "", ""
			return nil
		}
		if err != nil {
			return err
		}
		if x.FirstSubmittedAt != nil {
			x.Late = rp.Late(*x.FirstSubmittedAt)
		}
		return nil
	}
	if x.FirstSubmittedAt == nil || x.Kind == outreach.ReportConsolidated {
		return nil
	}
	p, _, err := loadPlan(ctx, q, x.Plan)
	if err != nil {
		return err
	}
	rp, err := p.PeriodOf(x.Key())
	if errors.Is(err, outreach.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	x.Late = rp.Late(*x.FirstSubmittedAt)
	return nil
}

// canRead says whether the actor may read the report: coordinators and
// admins any; an agency's reporters their own in any state (the
// consolidating department's reporters its consolidated report too);
// everyone else a report once it has been submitted and while it is not
// back in the author's hands.
func canRead(actor outreach.Actor, x *reportRow) bool {
	if !actor.SeesOwner(x.owner) {
		return false
	}
	if actor.CanEditPlans() || actor.Role == outreach.RoleAgencyReporter && actor.AgencyID == x.agencyID {
		return true
	}
	return x.FirstSubmittedAt != nil && (x.Status == outreach.ReportSubmitted || x.Status == outreach.ReportAccepted)
}

// canDecide says whether the actor may accept, return or reopen the
// report: an agency report the plan's coordinators; a consolidated report
// going up to a parent plan that plan's coordinators (the ministry for a
// province's report), never the province's own.
func canDecide(actor outreach.Actor, x *reportRow) bool {
	if !actor.CanEditPlans() {
		return false
	}
	if x.Kind == outreach.ReportConsolidated && x.UpTo != "" {
		return actor.EditsOwner(x.upOwner)
	}
	return actor.EditsOwner(x.owner)
}

// ReportRights says whether the actor may edit and submit the report, and
// whether it may accept, return or reopen it, as the workflow will judge.
func (s *Store) ReportRights(ctx context.Context, actor outreach.Actor, id int64) (write, decide bool, err error) {
	x, err := s.reportByID(ctx, s.db, id)
	if err != nil || !canRead(actor, x) {
		return false, false, err
	}
	return canWrite(actor, x), canDecide(actor, x), nil
}

// canWrite says whether the actor may edit and submit the report.
func canWrite(actor outreach.Actor, x *reportRow) bool {
	if !actor.EditsOwner(x.owner) {
		return false
	}
	if x.Kind == outreach.ReportConsolidated {
		return actor.CanEditPlans()
	}
	return actor.CanWriteAgency(x.agencyID)
}

func (s *Store) reportByID(ctx context.Context, q querier, id int64) (*reportRow, error) {
	x, err := scanReport(q.QueryRowContext(ctx, `SELECT `+reportColumns+reportFrom+` WHERE r.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("report %d: %w", id, outreach.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	return x, s.late(ctx, q, x)
}

// Report returns a report the actor may read, with its figures: frozen at
// submission, or computed now for a draft.
func (s *Store) Report(ctx context.Context, actor outreach.Actor, id int64) (_ *outreach.Report, err error) {
	defer wrap(&err, "Report(%d)", id)
	return s.report(ctx, actor, id, true)
}

// report loads a report; live figures are computed only when asked for
// (they take an indicator engine), frozen ones always come along.
func (s *Store) report(ctx context.Context, actor outreach.Actor, id int64, live bool) (*outreach.Report, error) {
	x, err := s.reportByID(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	if !canRead(actor, x) {
		return nil, fmt.Errorf("report %d: %w", id, outreach.ErrNotFound)
	}
	if x.figures != "" {
		x.Figures = &outreach.ReportFigures{}
		if err := json.Unmarshal([]byte(x.figures), x.Figures); err != nil {
			return nil, fmt.Errorf("report %d figures: %w", id, err)
		}
	} else if live {
		if x.Figures, err = s.figuresOf(ctx, &x.Report); err != nil {
			return nil, err
		}
	}
	return &x.Report, nil
}

func (s *Store) figuresOf(ctx context.Context, r *outreach.Report) (*outreach.ReportFigures, error) {
	agency := r.AgencyCode
	if r.Kind == outreach.ReportConsolidated {
		agency = ""
	}
	return s.ReportFigures(ctx, r.Plan, agency, r.Key())
}

// Reports lists the period's reports the actor may read, without figures.
func (s *Store) Reports(ctx context.Context, actor outreach.Actor, plan string, key outreach.PeriodKey) (_ []outreach.Report, err error) {
	defer wrap(&err, "Reports(%s, %s)", plan, key)
	if err := s.PlanVisible(ctx, actor, plan); err != nil {
		return nil, err
	}
	_, planID, _, err := s.planPeriod(ctx, plan, key)
	if err != nil {
		return nil, err
	}
	var out []outreach.Report
	err = each(ctx, s.db, `SELECT `+reportColumns+reportFrom+` WHERE r.plan_id = $1 AND r.round = $2 AND r.year = $3 ORDER BY r.kind DESC, a.name`,
		[]any{planID, key.Round, key.Year}, func(r *sql.Rows) error {
			x, err := scanReport(r)
			if err != nil {
				return err
			}
			if canRead(actor, x) {
				out = append(out, x.Report)
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	return out, s.lateAll(ctx, out)
}

// lateAll fills in whether each report missed its deadline, loading each
// plan's periods once.
func (s *Store) lateAll(ctx context.Context, reports []outreach.Report) error {
	periods := map[string][]outreach.ReportPeriod{}
	for i := range reports {
		r := &reports[i]
		plan := r.Plan
		if r.Kind == outreach.ReportConsolidated {
			plan = r.UpTo
		}
		if plan == "" || r.FirstSubmittedAt == nil && r.UpTo == "" {
			continue
		}
		list, ok := periods[plan]
		if !ok {
			p, _, err := loadPlan(ctx, s.db, plan)
			if err != nil {
				return err
			}
			if list, err = p.ReportPeriods(); err != nil {
				return err
			}
			periods[plan] = list
		}
		found := false
		for _, rp := range list {
			if rp.Key() == r.Key() {
				found = true
				if r.FirstSubmittedAt != nil {
					r.Late = rp.Late(*r.FirstSubmittedAt)
				}
			}
		}
		if !found && r.Kind == outreach.ReportConsolidated {
			r.UpTo = "" // the parent asks for no such report: it stays here
		}
	}
	return nil
}

// OpenReport returns the agency's report for the period, starting a draft
// when there is none. kind consolidated opens the report of the agency
// the period's reports go to (agency is then ignored).
func (s *Store) OpenReport(ctx context.Context, actor outreach.Actor, plan, agency string, key outreach.PeriodKey, kind outreach.ReportKind) (_ *outreach.Report, err error) {
	defer wrap(&err, "OpenReport(%s, %s, %s, %s)", plan, agency, key, kind)
	if err := s.PlanVisible(ctx, actor, plan); err != nil {
		return nil, err
	}
	p, planID, err := loadPlan(ctx, s.db, plan)
	if err != nil {
		return nil, err
	}
	rp, err := p.PeriodOf(key)
	if errors.Is(err, outreach.ErrNotFound) {
		return nil, outreach.Invalid("period", "the plan's regime has no report %s (its years are %d–%d)", key, p.Period.From, p.Period.To)
	}
	if err != nil {
		return nil, err
	}
	year := key.Year
	switch kind {
	case outreach.ReportConsolidated:
		agency = rp.Recipient
	case outreach.ReportAgency:
		a, ok := p.Agency(agency)
		if !ok || a.IsGroup() {
			return nil, outreach.Invalid("agency", "%q is not an agency of the plan that reports", agency)
		}
	default:
		return nil, outreach.Invalid("kind", "expected agency or consolidated, got %q", kind)
	}
	var agencyID int64
	if agencyID, err = planAgencyID(ctx, s.db, planID, agency); err != nil {
		return nil, translate(err)
	}
	var id int64
	const find = `SELECT id FROM reports WHERE plan_id = $1 AND kind = $2 AND round = $3 AND year = $4 AND agency_id = $5`
	err = s.db.QueryRowContext(ctx, find, planID, kind, key.Round, year, agencyID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		probe := &reportRow{agencyID: agencyID}
		probe.Kind = kind
		if err := s.db.QueryRowContext(ctx, `SELECT owner_code FROM plans WHERE id = $1`, planID).Scan(&probe.owner); err != nil {
			return nil, err
		}
		if !canWrite(actor, probe) {
			return nil, actor.Forbidden("start this report")
		}
		signer := []string{}
		if a, ok := p.Agency(agency); ok {
			signer = append(signer, strings.ToUpper(headOf(a)))
		}
		now := s.stamp()
		err = s.tx(ctx, func(tx *sql.Tx) error {
			err := tx.QueryRowContext(ctx, `INSERT INTO reports (plan_id, kind, round, year, agency_id, status, number, signer_title, created_at, created_by, updated_at, updated_by)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $9, $10)
				ON CONFLICT (plan_id, kind, round, year, agency_id) DO NOTHING RETURNING id`,
				planID, kind, key.Round, year, agencyID, outreach.ReportDraft, "…/BC-"+abbreviation(p, agency), strings.Join(signer, "\n"), now, actor.Name()).Scan(&id)
			if errors.Is(err, sql.ErrNoRows) { // started by someone else meanwhile
				return tx.QueryRowContext(ctx, find, planID, kind, key.Round, year, agencyID).Scan(&id)
			}
			if err != nil {
				return err
			}
			return s.audit(ctx, tx, actor, "create", "report", fmt.Sprint(id), nil, map[string]any{"plan": plan, "agency": agency, "period": key.String(), "kind": kind})
		})
	}
	if err != nil {
		return nil, translate(err)
	}
	return s.Report(ctx, actor, id)
}

// headOf is the title of an agency's head for the signature block.
func headOf(a outreach.Agency) string {
	switch a.Type {
	case outreach.AgencyDepartment:
		return "Giám đốc"
	case outreach.AgencyPolice:
		return "Giám đốc"
	case outreach.AgencyDistrictCommittee, outreach.AgencyPeoplesCommittee:
		return "TM. Ủy ban nhân dân\nChủ tịch"
	case outreach.AgencyPress:
		return "Tổng biên tập"
	case outreach.AgencyParty:
		return "Trưởng ban"
	case outreach.AgencyUnion:
		return "Chủ tịch"
	}
	return "Thủ trưởng đơn vị"
}

// abbreviation is the agency's part of a document number ("STTTT").
func abbreviation(p *outreach.Plan, code string) string {
	a, _ := p.Agency(code)
	if c := outreach.ShortCode(a.Name); c != "" {
		return c
	}
	return strings.ToUpper(code)
}

// SaveReport saves the editor's text of a draft or returned report and
// returns it without live figures (Report computes them). The
// audit log keeps one entry per author and quarter of an hour of typing,
// not one per keystroke batch.
func (s *Store) SaveReport(ctx context.Context, actor outreach.Actor, id int64, e ReportEdit) (_ *outreach.Report, err error) {
	defer wrap(&err, "SaveReport(%d)", id)
	if err := e.Narrative.Validate(); err != nil {
		return nil, err
	}
	v := &outreach.ValidationError{}
	for _, f := range []struct{ name, val string }{{"number", e.Number}, {"signer_title", e.SignerTitle}, {"signer_name", e.SignerName}} {
		if len([]rune(f.val)) > 200 {
			v.Add(f.name, "is longer than 200 characters")
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		x, err := s.reportByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if !canRead(actor, x) {
			return fmt.Errorf("report %d: %w", id, outreach.ErrNotFound)
		}
		if !canWrite(actor, x) {
			return actor.Forbidden("edit this report")
		}
		if !x.Status.Editable() {
			return fmt.Errorf("%w: the report is %s and locked; it can change only after it is returned", outreach.ErrConflict, x.Status)
		}
		n := e.Narrative
		now := s.stamp()
		// The status is checked again by the update itself: on PostgreSQL a
		// submission may commit between the read above and this write.
		res, err := tx.ExecContext(ctx, `UPDATE reports SET number = $1, signer_title = $2, signer_name = $3, results = $4, shortcomings = $5,
			causes = $6, proposals = $7, updated_at = $8, updated_by = $9 WHERE id = $10 AND status IN ($11, $12)`,
			strings.TrimSpace(e.Number), strings.TrimSpace(e.SignerTitle), strings.TrimSpace(e.SignerName), n.Results, n.Shortcomings, n.Causes, n.Proposals, now, actor.Name(), id,
			outreach.ReportDraft, outreach.ReportReturned)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return fmt.Errorf("%w: the report was submitted meanwhile and is locked", outreach.ErrConflict)
		}
		return s.auditCoalesced(ctx, tx, actor, "update", "report", fmt.Sprint(id), e)
	})
	if err != nil {
		return nil, err
	}
	return s.report(ctx, actor, id, false)
}

// auditCoalesced writes an audit row, or updates the actor's previous row
// for the same entity and action when it is less than 15 minutes old.
func (s *Store) auditCoalesced(ctx context.Context, tx *sql.Tx, actor outreach.Actor, action, entity, key string, after any) error {
	var lastID int64
	var lastActor, lastAction, lastAt string
	err := tx.QueryRowContext(ctx, `SELECT id, actor, action, at FROM audit_log WHERE entity = $1 AND entity_key = $2 ORDER BY id DESC LIMIT 1`, entity, key).Scan(&lastID, &lastActor, &lastAction, &lastAt)
	if err == nil && lastActor == actor.Name() && lastAction == action && s.now().Sub(parseStamp(lastAt)) < 15*time.Minute {
		b, err := json.Marshal(after)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE audit_log SET after = $1, at = $2 WHERE id = $3`, string(b), s.stamp(), lastID)
		return err
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	return s.audit(ctx, tx, actor, action, entity, key, nil, after)
}

// ReportStep takes a workflow step: submit (the agency, or a coordinator
// on its behalf: the figures are frozen and the time stamped), accept,
// return (a reason is required) or reopen an accepted report (a reason is
// required); the last three are the coordinator's. A submission notifies
// the coordinators in the app. The report comes back with its frozen
// figures, or none when it is editable again.
func (s *Store) ReportStep(ctx context.Context, actor outreach.Actor, id int64, step, reason string) (_ *outreach.Report, err error) {
	defer wrap(&err, "ReportStep(%d, %s)", id, step)
	reason = strings.TrimSpace(reason)
	x, err := s.reportByID(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	if !canRead(actor, x) {
		return nil, fmt.Errorf("report %d: %w", id, outreach.ErrNotFound)
	}
	switch step {
	case outreach.StepSubmit:
		if !canWrite(actor, x) {
			return nil, actor.Forbidden("submit this report")
		}
	case outreach.StepAccept, outreach.StepReturn, outreach.StepReopen:
		// A consolidated report that goes up nowhere is issued, not
		// accepted: its coordinators can only reopen it to correct it.
		// One going up to a parent plan is decided there.
		issued := x.Kind == outreach.ReportConsolidated && x.UpTo == ""
		if !canDecide(actor, x) || issued && step != outreach.StepReopen {
			return nil, actor.Forbidden(step + " this report")
		}
		if step != outreach.StepAccept && reason == "" {
			return nil, outreach.Invalid("reason", "a reason is required to %s a report", step)
		}
		if len([]rune(reason)) > 2000 {
			return nil, outreach.Invalid("reason", "is longer than 2000 characters")
		}
	}
	next, err := outreach.NextStatus(x.Status, step)
	if x.Kind == outreach.ReportConsolidated && x.UpTo == "" && step == outreach.StepReopen && x.Status == outreach.ReportSubmitted {
		next, err = outreach.ReportReturned, nil
	}
	if err != nil {
		return nil, err
	}
	var figures []byte
	if step == outreach.StepSubmit {
		f, err := s.figuresOf(ctx, &x.Report)
		if err != nil {
			return nil, err
		}
		if figures, err = json.Marshal(f); err != nil {
			return nil, err
		}
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		now := s.stamp()
		var res sql.Result
		var err error
		switch step {
		case outreach.StepSubmit:
			res, err = tx.ExecContext(ctx, `UPDATE reports SET status = $1, figures = $2, first_submitted_at = coalesce(first_submitted_at, $3), submitted_at = $3,
				submitted_by = $4, reason = '', updated_at = $3, updated_by = $4 WHERE id = $5 AND status = $6`, next, string(figures), now, actor.Name(), id, x.Status)
		case outreach.StepReturn, outreach.StepReopen:
			// Returned reports are edited again: their figures are live
			// until the next submission.
			res, err = tx.ExecContext(ctx, `UPDATE reports SET status = $1, figures = NULL, decided_at = $2, decided_by = $3, reason = $4,
				updated_at = $2, updated_by = $3 WHERE id = $5 AND status = $6`, next, now, actor.Name(), reason, id, x.Status)
		default:
			res, err = tx.ExecContext(ctx, `UPDATE reports SET status = $1, decided_at = $2, decided_by = $3, reason = '',
				updated_at = $2, updated_by = $3 WHERE id = $4 AND status = $5`, next, now, actor.Name(), id, x.Status)
		}
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return fmt.Errorf("%w: the report changed meanwhile; reload it", outreach.ErrConflict)
		}
		if step == outreach.StepSubmit && (x.Kind == outreach.ReportAgency || x.UpTo != "") {
			// The notice goes to the coordinators who decide: the plan's
			// for an agency report, the parent plan's for a consolidated one.
			to := x.planID
			if x.Kind == outreach.ReportConsolidated {
				if err := tx.QueryRowContext(ctx, `SELECT parent_plan_id FROM plans WHERE id = $1`, x.planID).Scan(&to); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO notifications (plan_id, audience, message, link, created_at) VALUES ($1, $2, $3, $4, $5)`,
				to, outreach.RoleCoordinator, NoticeSubmitted+"|"+senderName(ctx, tx, x)+"|"+periodWords(ctx, tx, x), fmt.Sprintf("/reports/%d", id), now); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, actor, step, "report", fmt.Sprint(id), map[string]any{"status": x.Status}, map[string]any{"status": next, "reason": reason})
	})
	if err != nil {
		return nil, err
	}
	return s.report(ctx, actor, id, false)
}

// senderName names who sent a report in a notice: the agency, and for a
// consolidated report going up, the unit its plan covers ("Sở Thông tin
// và Truyền thông (Tỉnh Thái Nguyên)"), since every province has one.
func senderName(ctx context.Context, q querier, x *reportRow) string {
	if x.Kind != outreach.ReportConsolidated {
		return x.AgencyName
	}
	var name string
	err := q.QueryRowContext(ctx, `SELECT u.name FROM plans p JOIN units u ON u.code = p.scope_code WHERE p.id = $1 ORDER BY u.valid_from DESC LIMIT 1`, x.planID).Scan(&name)
	if err != nil || name == "" {
		return x.AgencyName
	}
	return x.AgencyName + " (" + name + ")"
}

// periodWords names a report's period in words for a notice ("năm 2018").
func periodWords(ctx context.Context, q querier, x *reportRow) string {
	if p, _, err := loadPlan(ctx, q, x.Plan); err == nil {
		if rp, err := p.PeriodOf(x.Key()); err == nil {
			return rp.Label
		}
	}
	return x.Key().String()
}

// NoticeSubmitted is the kind of notice a submission leaves coordinators;
// its message is "kind|agency name|period in words".
const NoticeSubmitted = "report_submitted"

// Notice is something the app tells a role.
type Notice struct {
	ID      int64
	Kind    string
	Args    []string
	Link    string
	Created time.Time
	Read    bool
}

// Notices lists the latest notices for the actor's role.
func (s *Store) Notices(ctx context.Context, actor outreach.Actor, limit int) (_ []Notice, err error) {
	defer wrap(&err, "Notices")
	if !actor.CanEditPlans() {
		return nil, nil
	}
	var out []Notice
	cond, args := noticeScope(actor, []any{outreach.RoleCoordinator, limit})
	err = each(ctx, s.db, `SELECT n.id, n.message, n.link, n.created_at, n.read_at IS NOT NULL FROM notifications n LEFT JOIN plans p ON p.id = n.plan_id
		WHERE n.audience = $1`+cond+` ORDER BY n.id DESC LIMIT $2`, args, func(r *sql.Rows) error {
		var n Notice
		var msg, at string
		if err := r.Scan(&n.ID, &msg, &n.Link, &at, &n.Read); err != nil {
			return err
		}
		parts := strings.Split(msg, "|")
		n.Kind, n.Args, n.Created = parts[0], parts[1:], parseStamp(at)
		out = append(out, n)
		return nil
	})
	return out, err
}

// MarkNoticesRead marks every coordinators' notice read.
func (s *Store) MarkNoticesRead(ctx context.Context, actor outreach.Actor) (err error) {
	defer wrap(&err, "MarkNoticesRead")
	if !actor.CanEditPlans() {
		return actor.Forbidden("mark notices read")
	}
	cond, args := noticeScope(actor, []any{s.stamp(), actor.Name(), outreach.RoleCoordinator})
	_, err = s.db.ExecContext(ctx, `UPDATE notifications SET read_at = $1, read_by = $2 WHERE read_at IS NULL AND audience = $3
		AND id IN (SELECT n.id FROM notifications n LEFT JOIN plans p ON p.id = n.plan_id WHERE TRUE`+cond+`)`, args...)
	return err
}

// noticeScope is the condition (" AND …", numbered after args) keeping a
// province's coordinators to their province's plans' notices.
func noticeScope(actor outreach.Actor, args []any) (string, []any) {
	cond, more := withOwner(actor, "", nil, len(args)+1)
	if cond == "" {
		return "", args
	}
	return " AND " + cond, append(args, more...)
}

// ReportHistory lists the report's audit entries, oldest first, to those
// who may read the report.
func (s *Store) ReportHistory(ctx context.Context, actor outreach.Actor, id int64) ([]outreach.AuditEntry, error) {
	x, err := s.reportByID(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	if !canRead(actor, x) {
		return nil, fmt.Errorf("report %d: %w", id, outreach.ErrNotFound)
	}
	return s.history(ctx, "report", id)
}
