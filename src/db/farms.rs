//! Farms and who belongs to them.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{farm_members, farms};
use super::{DbConnection, StorageError};

/// A farm as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize)]
#[diesel(table_name = farms)]
pub struct FarmRow {
    /// UUID.
    pub id: String,
    /// Unique name.
    pub name: String,
    /// Village.
    pub village: String,
    /// Region.
    pub region: String,
    /// When it was added.
    pub created_at: NaiveDateTime,
}

/// Adds a farm.
pub fn insert_farm(conn: &mut DbConnection, farm: &FarmRow) -> Result<(), StorageError> {
    diesel::insert_into(farms::table)
        .values(farm)
        .execute(conn)?;
    Ok(())
}

/// Finds a farm by its unique name.
pub fn find_farm_by_name(
    conn: &mut DbConnection,
    name: &str,
) -> Result<Option<FarmRow>, StorageError> {
    Ok(farms::table
        .filter(farms::name.eq(name))
        .select(FarmRow::as_select())
        .first(conn)
        .optional()?)
}

/// Finds a farm by id.
pub fn find_farm(conn: &mut DbConnection, id: &str) -> Result<Option<FarmRow>, StorageError> {
    Ok(farms::table
        .find(id)
        .select(FarmRow::as_select())
        .first(conn)
        .optional()?)
}

/// Makes a user a member of a farm (idempotent).
pub fn add_member(
    conn: &mut DbConnection,
    farm_id: &str,
    user_id: &str,
) -> Result<(), StorageError> {
    let already = farm_members::table
        .filter(
            farm_members::farm_id
                .eq(farm_id)
                .and(farm_members::user_id.eq(user_id)),
        )
        .count()
        .get_result::<i64>(conn)?;
    if already == 0 {
        diesel::insert_into(farm_members::table)
            .values((
                farm_members::farm_id.eq(farm_id),
                farm_members::user_id.eq(user_id),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The farms a user belongs to, by name.
pub fn farms_of_member(
    conn: &mut DbConnection,
    user_id: &str,
) -> Result<Vec<FarmRow>, StorageError> {
    Ok(farms::table
        .inner_join(farm_members::table)
        .filter(farm_members::user_id.eq(user_id))
        .select(FarmRow::as_select())
        .order(farms::name)
        .load(conn)?)
}

/// Every farm, by name.
pub fn all_farms(conn: &mut DbConnection) -> Result<Vec<FarmRow>, StorageError> {
    Ok(farms::table
        .select(FarmRow::as_select())
        .order(farms::name)
        .load(conn)?)
}

/// Whether a user belongs to a farm.
pub fn is_member(
    conn: &mut DbConnection,
    farm_id: &str,
    user_id: &str,
) -> Result<bool, StorageError> {
    let count = farm_members::table
        .filter(
            farm_members::farm_id
                .eq(farm_id)
                .and(farm_members::user_id.eq(user_id)),
        )
        .count()
        .get_result::<i64>(conn)?;
    Ok(count > 0)
}
