// Package deadline holds the agreement profiles, the working-day calendars and
// the due-date engine of eRCMS.
//
// Everything country-specific is data: a [Profile] (one JSON file per
// agreement or arrangement and version) says which time limits apply, on which
// calendar they count and whether they are binding; a [Year] lists one state's
// non-working days of one year. The package embeds default profiles and
// calendars ([Defaults]) and validates them on load; an administrator may
// replace them. The package does no I/O besides reading its embedded files.
//
// # Counting conventions
//
// [Compute] applies one [Rule] to the date of an event:
//
//   - the day of the event is not counted: day 1 is the following day;
//   - a period of N calendar days ends on day N;
//   - a period of N working days ends on the Nth working day of the rule's
//     calendar after the event (Saturdays, Sundays and listed non-working days
//     excluded, Saturdays or Sundays listed as working days included);
//   - a period of N months ends on the same day number N months later, or on
//     the last day of that month where it has no such day;
//   - RollForward moves the end of a calendar-day or month period that falls on
//     a non-working day to the next working day (default: no);
//   - a period of 0 ends on the day of the event itself.
//
// A Before rule (a notice period) gives the latest date on which the act may
// happen so that the period, counted forward from the act with the rules
// above, still ends on or before the event: the largest date d such that the
// forward period from d ends no later than the event. For working days this is
// the day before the Nth working day counted back from the event (the event day
// itself counts when it is a working day); the date found may itself be a
// non-working day.
//
// Holiday data is never guessed. When the answer depends on a day outside the
// loaded years of the rule's calendar, the [Result] is BeyondData and carries
// no date. When it depends on a day inside a pending window (a holiday not yet
// decided), the day keeps its listed or weekday status (an unlisted weekday
// counts as a working day) and the Result is Provisional.
// Calendar-day and month rules without RollForward need no calendar at all.
package deadline
