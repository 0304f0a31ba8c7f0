/**
 * The D-Bus errors of systemd that boxd's systemd driver reacts to, named exactly as systemd
 * names them, because dbus-java maps an error to the class of that name. Nothing else lives here.
 */
package org.freedesktop.systemd1;
