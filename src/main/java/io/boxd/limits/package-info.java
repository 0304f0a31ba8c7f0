/**
 * The limits a box can ask for, as values that mean the same to the API, the database and the
 * kernel ({@code "max"} is unlimited everywhere). Validation and defaulting live here as pure
 * functions, so every driver and every entry point applies the same rules.
 */
package io.boxd.limits;
