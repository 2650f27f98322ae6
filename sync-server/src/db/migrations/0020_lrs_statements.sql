-- xAPI 1.0.3 LRS, Statements resource (issue 19): every statement sent to /xapi/statements, in full (Group actors,
-- SubStatements, StatementRefs, attachments and all), with the keys its queries filter on. The analytics pipeline
-- gets, through its collector, the statements it understands; this table keeps all of them untouched.
CREATE SCHEMA IF NOT EXISTS lrs;

CREATE TABLE lrs.statements (
  id uuid PRIMARY KEY,
  -- As stored: completed with stored, authority, version and timestamp; single context activities made arrays.
  statement jsonb NOT NULL,
  stored timestamptz NOT NULL,
  -- Inverse functional identifier keys (mbox:..., sha1:..., openid:..., account:<homePage> <name>).
  actor text NOT NULL,
  verb text NOT NULL,
  -- agent=: the actor and an Agent/Group object; related_agents=true: also authority, instructor, team, SubStatement's.
  agents text[] NOT NULL,
  related_agents text[] NOT NULL,
  -- activity=: the object Activity; related_activities=true: also context activities and the SubStatement's.
  activities text[] NOT NULL,
  related_activities text[] NOT NULL,
  registration uuid,
  -- The StatementRef target (voiding statements and other references).
  target uuid,
  voiding boolean NOT NULL DEFAULT false,
  voided boolean NOT NULL DEFAULT false,
  origin text NOT NULL
);
CREATE INDEX lrs_statements_stored_idx ON lrs.statements (stored, id);
CREATE INDEX lrs_statements_verb_idx ON lrs.statements (verb, stored);
CREATE INDEX lrs_statements_registration_idx ON lrs.statements (registration) WHERE registration IS NOT NULL;
CREATE INDEX lrs_statements_target_idx ON lrs.statements (target) WHERE target IS NOT NULL;
-- agents ⊆ related_agents and activities ⊆ related_activities: one GIN index each serves both filters.
CREATE INDEX lrs_statements_related_agents_idx ON lrs.statements USING gin (related_agents);
CREATE INDEX lrs_statements_related_activities_idx ON lrs.statements USING gin (related_activities);

-- Attachment bytes live in the content storage port (key lrs/attachments/<sha2>); one row per distinct content.
CREATE TABLE lrs.attachments (
  sha2 text PRIMARY KEY,
  content_type text NOT NULL,
  length bigint NOT NULL,
  storage_key text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Statements voided through the LRS whose contribution the analytics figures must not hold. The processor skips
-- them (a replay or redelivery cannot bring them back) and the correction removes what they had added.
CREATE TABLE analytics.voided_statements (
  id uuid PRIMARY KEY,
  voided_at timestamptz NOT NULL DEFAULT now(),
  -- Null until the analytics correction has run for this id.
  corrected_at timestamptz
);
