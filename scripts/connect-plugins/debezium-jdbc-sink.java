///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DESCRIPTION A Kafka Connect plugin, not a lesson: Debezium's JDBC sink 3.2.0.Final with its own dependency tree (debezium-core 3.2, Hibernate 6). connect-cluster asks JBang for this file's classpath (./jbang info classpath) and links those jars into its workers' plugin.path, where Connect loads them in a class loader of their own, apart from the PostgreSQL source 3.6.1 on the worker's classpath. doctor --prefetch fetches it.
//DEPS io.debezium:debezium-connector-jdbc:3.2.0.Final
//DEPS org.postgresql:postgresql:42.7.13

class debezium_jdbc_sink {
    public static void main(String[] args) {
        System.out.println("A Kafka Connect plugin: connect-cluster installs this file's classpath into its workers' plugin.path");
    }
}
