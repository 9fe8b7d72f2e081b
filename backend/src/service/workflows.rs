//! What only workflows have: validating and exporting a definition that is not stored.

use shared::api::ValidationReport;
use shared::workflow::Workflow;

use super::ServiceError;
use super::definitions::Versioned;

pub fn validate(definition: &Workflow) -> Result<ValidationReport, ServiceError> {
    definition.check_limits()?;
    Ok(ValidationReport::of(definition))
}

/// `workflow.xml` of a definition; a workflow with validation errors is refused with them.
pub fn export(definition: &Workflow) -> Result<String, ServiceError> {
    definition.check_limits()?;
    let [(_, xml), _] = definition.app_files()?;
    Ok(xml)
}
