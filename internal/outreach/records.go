package outreach

import (
	"slices"
	"strings"
)

// Statuses of an in-depth prevention model (mô hình chuyên sâu).
const (
	ModelActive   = "active"
	ModelInactive = "inactive"
	ModelClosed   = "closed"
)

// ModelStatuses lists the valid statuses.
var ModelStatuses = []string{ModelActive, ModelInactive, ModelClosed}

// ModelStatus is a model's status from a date on.
type ModelStatus struct {
	Since  string `json:"since"`
	Status string `json:"status"`
}

// PreventionModel is an in-depth prevention model run in a commune (the
// data behind target II.2.2).
type PreventionModel struct {
	ID     int64  `json:"id"`
	Plan   string `json:"plan"`
	Unit   string `json:"unit"`
	Agency string `json:"agency"`
	Name   string `json:"name"`
	// Type is one of the plan's model types (vocab.go); "" when the plan
	// distinguishes none.
	Type          string `json:"type,omitempty"`
	EstablishedOn string `json:"established_on"`
	Description   string `json:"description,omitempty"`
	// Statuses after establishment (which makes it active), in date order.
	Statuses []ModelStatus `json:"statuses"`
	Demo     bool          `json:"demo"`
}

// StatusOn returns the model's status on an ISO date, or "" before it was
// established.
func (m PreventionModel) StatusOn(d string) string {
	if m.EstablishedOn == "" || d < m.EstablishedOn {
		return ""
	}
	st := ModelActive
	for _, s := range m.Statuses {
		if s.Since <= d {
			st = s.Status
		}
	}
	return st
}

// Validate checks a model on its own.
func (m *PreventionModel) Validate() error {
	v := &ValidationError{}
	m.Name = strings.TrimSpace(m.Name)
	if m.Name == "" {
		v.Add("name", "is required")
	}
	if m.Plan == "" {
		v.Add("plan", "is required")
	}
	if m.Unit == "" {
		v.Add("unit", "is required")
	}
	if m.Agency == "" {
		v.Add("agency", "is required")
	}
	if !ValidDate(m.EstablishedOn) {
		v.Add("established_on", "expected a date YYYY-MM-DD, got %q", m.EstablishedOn)
	}
	for _, f := range []struct{ name, s string }{{"name", m.Name}, {"description", m.Description}, {"unit", m.Unit}, {"agency", m.Agency}, {"plan", m.Plan}} {
		CheckText(v, f.name, f.s)
	}
	prev := m.EstablishedOn
	for i, s := range m.Statuses {
		if !slices.Contains(ModelStatuses, s.Status) {
			v.Add("statuses", "status %d: expected active, inactive or closed, got %q", i+1, s.Status)
		}
		if !ValidDate(s.Since) {
			v.Add("statuses", "status %d: expected a date YYYY-MM-DD, got %q", i+1, s.Since)
		} else if s.Since <= prev {
			v.Add("statuses", "status %d: dates must follow the establishment and each other (%s after %s)", i+1, s.Since, prev)
		} else {
			prev = s.Since
		}
	}
	return v.Err()
}

// Material types (loại tài liệu).
var MaterialTypes = []string{"guidance", "behaviour_change", "leaflet", "booklet", "cd", "poster", "other"}

// Material is a communication material in the catalogue.
type Material struct {
	ID     int64  `json:"id"`
	Plan   string `json:"plan"`
	Type   string `json:"type"`
	Title  string `json:"title"`
	Agency string `json:"agency"`
	Year   int    `json:"year"`
	Copies int64  `json:"copies"`
	Notes  string `json:"notes,omitempty"`
	Demo   bool   `json:"demo"`
}

// Validate checks a material on its own.
func (m *Material) Validate() error {
	v := &ValidationError{}
	m.Title = strings.TrimSpace(m.Title)
	if m.Title == "" {
		v.Add("title", "is required")
	}
	if !slices.Contains(MaterialTypes, m.Type) {
		v.Add("type", "expected one of %s, got %q", strings.Join(MaterialTypes, ", "), m.Type)
	}
	if m.Agency == "" {
		v.Add("agency", "is required")
	}
	if m.Year < 1990 || m.Year > 2100 {
		v.Add("year", "expected a year, got %d", m.Year)
	}
	if m.Copies < 0 {
		v.Add("copies", "must not be negative")
	} else if m.Copies > MaxQuantity {
		v.AddCode("copies", ProbTooLarge, "%v is larger than %v", m.Copies, int64(MaxQuantity))
	}
	for _, f := range []struct{ name, s string }{{"title", m.Title}, {"notes", m.Notes}, {"agency", m.Agency}, {"plan", m.Plan}} {
		CheckText(v, f.name, f.s)
	}
	return v.Err()
}

// Ways a commune deploys materials.
var DeployMethods = []string{"village_meeting", "loudspeaker", "house_to_house", "other"}

// Delivery is one commune a distribution went to, with its confirmation.
type Delivery struct {
	Unit       string   `json:"unit"`
	UnitName   string   `json:"unit_name,omitempty"`
	Quantity   int64    `json:"quantity"`
	ReceivedOn string   `json:"received_on,omitempty"`
	DeployedOn string   `json:"deployed_on,omitempty"`
	How        []string `json:"how,omitempty"`
	// ConfirmedBy and ConfirmedAt say who entered the confirmation.
	ConfirmedBy string `json:"confirmed_by,omitempty"`
	ConfirmedAt string `json:"confirmed_at,omitempty"`
}

// Distribution is a sending of a material from an agency to communes.
type Distribution struct {
	ID         int64      `json:"id"`
	Plan       string     `json:"plan"`
	Material   int64      `json:"material"`
	FromAgency string     `json:"from_agency"`
	Date       string     `json:"date"`
	Notes      string     `json:"notes,omitempty"`
	Deliveries []Delivery `json:"deliveries"`
	Demo       bool       `json:"demo"`
}

// Validate checks a distribution on its own.
func (d *Distribution) Validate() error {
	v := &ValidationError{}
	if d.Material == 0 {
		v.Add("material", "is required")
	}
	if d.FromAgency == "" {
		v.Add("from_agency", "is required")
	}
	if !ValidDate(d.Date) {
		v.Add("date", "expected a date YYYY-MM-DD, got %q", d.Date)
	}
	if len(d.Deliveries) == 0 {
		v.Add("deliveries", "send to at least one commune")
	}
	CheckText(v, "notes", d.Notes)
	CheckText(v, "from_agency", d.FromAgency)
	seen := map[string]bool{}
	for _, dl := range d.Deliveries {
		if seen[dl.Unit] {
			v.Add("deliveries", "commune %s is listed twice", dl.Unit)
		}
		seen[dl.Unit] = true
		if dl.Quantity < 0 {
			v.Add("deliveries", "the quantity for %s must not be negative", dl.Unit)
		} else if dl.Quantity > MaxQuantity {
			v.AddCode("deliveries", ProbTooLarge, "%v is larger than %v", dl.Quantity, int64(MaxQuantity))
		}
		CheckText(v, "deliveries", dl.Unit)
	}
	return v.Err()
}

// ValidateConfirmation checks a commune's confirmation of a delivery sent
// on sentOn.
func ValidateConfirmation(sentOn, receivedOn, deployedOn string, how []string) error {
	v := &ValidationError{}
	if receivedOn == "" && deployedOn != "" {
		v.Add("received_on", "say when the material was received before saying it was deployed")
	}
	if receivedOn != "" {
		if !ValidDate(receivedOn) {
			v.Add("received_on", "expected a date YYYY-MM-DD, got %q", receivedOn)
		} else if receivedOn < sentOn {
			v.Add("received_on", "cannot be before the material was sent (%s)", sentOn)
		}
	}
	if deployedOn != "" {
		if !ValidDate(deployedOn) {
			v.Add("deployed_on", "expected a date YYYY-MM-DD, got %q", deployedOn)
		} else if receivedOn != "" && deployedOn < receivedOn {
			v.Add("deployed_on", "cannot be before it was received (%s)", receivedOn)
		}
		if len(how) == 0 {
			v.Add("how", "say how it was deployed: %s", strings.Join(DeployMethods, ", "))
		}
	}
	for _, h := range how {
		if !slices.Contains(DeployMethods, h) {
			v.Add("how", "expected %s, got %q", strings.Join(DeployMethods, ", "), h)
		}
	}
	if deployedOn == "" && len(how) > 0 {
		v.Add("deployed_on", "give the date it was deployed")
	}
	return v.Err()
}
