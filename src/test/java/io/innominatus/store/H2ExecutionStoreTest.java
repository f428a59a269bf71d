package io.innominatus.store;

import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

class H2ExecutionStoreTest extends ExecutionStoreContract {

    private static final JdbcDataSource DATA_SOURCE = new JdbcDataSource();

    static {
        DATA_SOURCE.setURL("jdbc:h2:mem:store-contract;DB_CLOSE_DELAY=-1" + DataDirectoryUrl.OPTIONS);
    }

    @Override
    protected DataSource dataSource() {
        return DATA_SOURCE;
    }
}
